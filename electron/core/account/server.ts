import type { Policy } from '../../../shared/contract/policy.ts';
import type { MessagingControls } from '../messaging/engine-types.ts';
import type { ServerAddress, ServerConfig } from '../messaging/server-config.ts';

/**
 * The organisation's XMPP server as IT configures it (managed configuration, or the demo's
 * throwaway Prosody): where to dial, which CA to trust, which addresses may send admin commands.
 */
export interface OrganisationServer {
  readonly domain: string;
  readonly host?: string;
  readonly port: number;
  readonly mode: ServerConfig['mode'];
  /** Further nodes of the same service (an ejabberd cluster), tried in order when one is down. */
  readonly alternatives?: readonly ServerAddress[];
  /** The organisation CA (PEM); replaces the system roots when given. */
  readonly ca?: string;
  readonly pinSha256?: readonly string[];
  readonly mucDomain?: string;
  readonly uploadDomain?: string;
  /** Only these addresses may send remote lock, wipe and policy refresh. */
  readonly adminJids?: readonly string[];
  /** Where the audit chain head is published. */
  readonly auditJid?: string;
}

/** A server typed by a staff member (no managed configuration): the domain, dialled on 5222 with STARTTLS. */
export function serverFromUserInput(input: string): OrganisationServer | null {
  const text = input.trim().toLowerCase();
  const match = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? 5222 : Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  return { domain: match[1], port, mode: port === 5223 ? 'directtls' : 'starttls' };
}

export function connectionConfig(server: OrganisationServer, policy: Pick<Policy, 'allowPlainAuth' | 'scramMinIterations'>): ServerConfig {
  return {
    domain: server.domain,
    ...(server.host === undefined ? {} : { host: server.host }),
    port: server.port,
    mode: server.mode,
    ...(server.alternatives === undefined ? {} : { alternatives: server.alternatives }),
    ...(server.ca === undefined ? {} : { ca: server.ca }),
    ...(server.pinSha256 === undefined ? {} : { pinSha256: server.pinSha256 }),
    allowPlain: policy.allowPlainAuth,
    scramMinIterations: policy.scramMinIterations,
  };
}

/** What policy lets messaging send and accept: read live, so a published policy applies at once. */
export function messagingControls(policy: Policy): MessagingControls {
  return {
    attachmentsAllowed: policy.attachmentsAllowed,
    attachmentTypes: policy.attachmentTypes,
    attachmentMaxBytes: policy.attachmentMaxMegabytes * 1024 * 1024,
    readReceipts: policy.readReceipts,
    presence: policy.presence,
  };
}
