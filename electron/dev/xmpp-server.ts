import { startEjabberd, type EjabberdOptions } from './ejabberd/index.ts';
import { startProsody, type DevXmppServer, type ProsodyOptions } from './prosody/index.ts';

/** The XMPP servers clinics run and the fixtures start for tests, the demo and the benchmarks. */
export const SERVER_KINDS = ['prosody', 'ejabberd'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What every server fixture offers, whichever server runs underneath. */
export interface XmppServerHandle {
  readonly kind: ServerKind;
  readonly domain: string;
  readonly host: '127.0.0.1';
  /** STARTTLS port. */
  readonly c2sPort: number;
  /** XEP-0368 direct TLS port. */
  readonly directTlsPort: number;
  /** HTTPS (HTTP upload); served for Host `domain`. */
  readonly httpsPort: number;
  /** Empty string when the MUC component is disabled. */
  readonly mucDomain: string;
  /** Empty string when HTTP upload is disabled. */
  readonly uploadDomain: string;
  /** The external component's domain (XEP-0114, `patients.<domain>`); empty string when none. */
  readonly componentDomain: string;
  /** Loopback port of the component listener; 0 when none. */
  readonly componentPort: number;
  /** The throwaway CA that signed the server certificate; trust it only through an explicit `ca`. */
  readonly caCertPem: string;
  readonly caCertPath: string;
  /** The fixture's temp folder (config, certs, logs, data). */
  readonly dataDir: string;
  readonly configPath: string;
  readonly logPath: string;
  /** The running server's pid, or null while stopped. */
  readonly pid: number | null;
  /** Creates an account (loopback only). */
  register(username: string, password: string): Promise<void>;
  /** Stops the server and removes the temp folder. */
  stop(): Promise<void>;
  /** Stops the server (if running) and starts it again on the same ports with the same data. */
  restart(): Promise<void>;
  /** Graceful stop that keeps ports and data; restart() brings it back. */
  halt(): Promise<void>;
  /** SIGKILL, for crash tests; restart() brings it back. */
  kill(): Promise<void>;
  /** The last lines of the server's log and console output, for failure messages. */
  logTail(lines?: number): string;
}

/** Options both fixtures understand. */
export interface XmppServerOptions {
  /** Accounts created before the fixture resolves. */
  users?: Array<{ username: string; password: string }>;
  /** A MUC component with room archives (default true). */
  mucDomain?: boolean;
  /** XEP-0363 upload over HTTPS (default true). */
  httpUpload?: boolean;
  /** Bare JIDs the server treats as admins. */
  admins?: string[];
  /** A staff directory: these accounts share one roster group, as a clinic provisions it. */
  staffDirectory?: { group: string; members: Array<{ username: string; name: string }> };
  /** An external component (XEP-0114) at `patients.<domain>` with this secret: the patient gateway. */
  component?: { secret: string };
  /** Readiness timeout in ms (default 20 s). */
  readyTimeoutMs?: number;
}

export function parseServerKind(value: string | undefined): ServerKind | null {
  return (SERVER_KINDS as readonly string[]).includes(value ?? '') ? (value as ServerKind) : null;
}

export function startXmppServer(kind: 'prosody', options?: ProsodyOptions): ReturnType<typeof startProsody>;
export function startXmppServer(kind: 'ejabberd', options?: EjabberdOptions): ReturnType<typeof startEjabberd>;
export function startXmppServer(kind: ServerKind, options?: XmppServerOptions): Promise<XmppServerHandle>;
export function startXmppServer(kind: ServerKind, options: XmppServerOptions = {}): Promise<XmppServerHandle> {
  return kind === 'ejabberd' ? startEjabberd(options) : startProsody(options);
}

/** What a development workstation needs to reach this server (see dev-server.ts), CA included. */
export function devServerOf(s: XmppServerHandle): DevXmppServer & { readonly caCertPem: string } {
  const { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem } = s;
  return { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem };
}
