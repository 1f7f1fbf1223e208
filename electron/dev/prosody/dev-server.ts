import fs from 'node:fs';

/**
 * How the demo tells development workstations which XMPP server to use (until workstation.ts takes
 * it as an option): JSON in this environment variable. Development only.
 */
export const DEV_XMPP_ENV = 'SEALWIRE_DEV_XMPP';

export interface DevXmppServer {
  readonly domain: string;
  readonly host: string;
  /** STARTTLS port. */
  readonly c2sPort: number;
  /** XEP-0368 direct TLS port. */
  readonly directTlsPort: number;
  readonly httpsPort: number;
  readonly mucDomain: string;
  readonly uploadDomain: string;
  /** The throwaway CA to trust explicitly (never system-wide, never by disabling verification). */
  readonly caCertPath: string;
}

export function writeDevXmppServer(server: DevXmppServer, env: NodeJS.ProcessEnv = process.env): void {
  env[DEV_XMPP_ENV] = JSON.stringify(server);
}

/** The server the demo started, with its CA certificate read in; null when not set or malformed. */
export function readDevXmppServer(
  env: NodeJS.ProcessEnv = process.env,
): (DevXmppServer & { readonly caCertPem: string }) | null {
  const raw = env[DEV_XMPP_ENV];
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const strings = ['domain', 'host', 'mucDomain', 'uploadDomain', 'caCertPath'] as const;
    const ports = ['c2sPort', 'directTlsPort', 'httpsPort'] as const;
    if (!strings.every((k) => typeof v[k] === 'string') || !ports.every((k) => Number.isInteger(v[k]))) return null;
    const server = v as unknown as DevXmppServer;
    return { ...server, caCertPem: fs.readFileSync(server.caCertPath, 'utf8') };
  } catch {
    return null;
  }
}
