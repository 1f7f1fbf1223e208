import { ORGANISATION_KEYS } from '../../../shared/contract/managed-keys.ts';
import type { Organisation } from '../../../shared/contract/policy.ts';
import { CoreError } from '../errors.ts';
import { serverFromUserInput, type OrganisationServer } from './server.ts';

/** The organisation settings as managed sources say now, and whether any source set them. */
export interface ManagedOrganisation {
  readonly values: Organisation;
  readonly managed: boolean;
}

/**
 * The server staff must use: the managed `serverAddress` (dialled as written, or through the
 * development server's host and port when the demo or a test supplies one for the same domain),
 * else the one a development host passed in. Undefined lets staff type a server.
 */
export function managedServer(org: ManagedOrganisation, base?: OrganisationServer): OrganisationServer | undefined {
  const address = org.values.serverAddress;
  const fromAddress = address === null ? undefined : (serverFromUserInput(address) ?? undefined);
  const server = fromAddress !== undefined && base?.domain !== fromAddress.domain ? fromAddress : base;
  return server === undefined ? undefined : withOrganisationTrust(server, org, base?.ca);
}

/**
 * A server (managed, typed at first sign-in, or copied into a profile) with the organisation's
 * trust and roles as managed sources say now: its CA replaces the system roots, its pins, its
 * admin and audit addresses replace whatever a profile recorded earlier, so removing an admin or
 * rotating a CA reaches existing profiles at their next start. Without managed settings the
 * server is used as it is.
 */
export function withOrganisationTrust(server: OrganisationServer, org: ManagedOrganisation, hostCa?: string): OrganisationServer {
  if (!org.managed) return server;
  const v = org.values;
  const { ca: _ca, pinSha256: _pins, adminJids: _admins, auditJid: _audit, ...rest } = server;
  // Without a managed CA the system roots apply, except for a development host's own CA (the
  // demo's throwaway Prosody); a CA a profile recorded earlier is never kept on its own.
  const ca = v.caCertificatePem ?? hostCa;
  return {
    ...rest,
    ...(ca === undefined ? {} : { ca }),
    ...(v.certificatePins === null ? {} : { pinSha256: v.certificatePins.map((pin) => pin.slice('sha256/'.length)) }),
    ...(v.adminAddresses === null ? {} : { adminJids: v.adminAddresses }),
    ...(v.auditAddress === null ? {} : { auditJid: v.auditAddress }),
  };
}

/** Refuses an account domain the organisation does not allow (unset allows any; empty allows none). */
export function requireAllowedDomain(org: ManagedOrganisation, domain: string): void {
  const allowed = org.values.allowedDomains;
  if (allowed === null || allowed.includes(domain.toLowerCase())) return;
  throw new CoreError('server_not_allowed', 'Your organisation does not allow signing in to that server.');
}

export const isDomainAllowed = (org: ManagedOrganisation, domain: string): boolean =>
  org.values.allowedDomains === null || org.values.allowedDomains.includes(domain.toLowerCase());

/** The organisation's server and trust as they are right now, for sign-in and for stored profiles. */
export interface OrganisationConfig {
  /** The server staff must use; undefined lets them type one. */
  server(): OrganisationServer | undefined;
  organisation(): ManagedOrganisation;
  /** A profile's recorded server refreshed from the managed sources (same service, current trust and roles). */
  current(stored: OrganisationServer): OrganisationServer;
}

/** `host` is a development host's server (the demo's or a test's Prosody); a packaged start has none. */
export function organisationConfig(read: () => ManagedOrganisation, host?: OrganisationServer): OrganisationConfig {
  const server = () => managedServer(read(), host);
  return {
    server,
    organisation: read,
    current(stored) {
      const now = server();
      return now !== undefined && now.domain === stored.domain ? now : withOrganisationTrust(stored, read(), host?.domain === stored.domain ? host.ca : undefined);
    },
  };
}

/**
 * The layer an admin published on the server, without organisation settings: the server, CA,
 * pins and admin addresses come only from the machine's managed sources, so whoever controls an
 * admin account (or the server) cannot point workstations at another server or trust another CA.
 */
export function serverPolicyLayer(published: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(published).filter(([key]) => !Object.hasOwn(ORGANISATION_KEYS, key)));
}
