/* Where and how to reach the organisation's XMPP server, and who signs in (a leaf: types and two pure helpers). */
import type { ScramKeys } from './scram.ts';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly mode: 'starttls' | 'directtls';
}

/** Every address to dial, first the primary one, then the alternatives. */
export function addressesOf(server: ServerConfig): ServerAddress[] {
  return [{ host: server.host ?? server.domain, port: server.port, mode: server.mode }, ...(server.alternatives ?? [])];
}

/** The configuration for dialling one of the addresses. */
export function atAddress(server: ServerConfig, address: ServerAddress): ServerConfig {
  return { ...server, host: address.host, port: address.port, mode: address.mode };
}

export interface ServerConfig {
  /** The XMPP domain (also the TLS server name checked against the certificate). */
  readonly domain: string;
  /** Host to dial; defaults to the domain. */
  readonly host?: string;
  readonly port: number;
  /** 'starttls' for 5222, 'directtls' for XEP-0368 (5223). */
  readonly mode: 'starttls' | 'directtls';
  /**
   * Further addresses of the same service (cluster nodes, SRV-style targets), tried in order after
   * host/port/mode when a connection cannot be made; the certificate is checked against `domain` on each.
   */
  readonly alternatives?: readonly ServerAddress[];
  /** The organisation's CA (PEM). When given it replaces the system roots. */
  readonly ca?: string;
  /** Optional pinning: base64 SHA-256 of the server certificate's SubjectPublicKeyInfo. */
  readonly pinSha256?: readonly string[];
  /** SASL PLAIN is refused unless policy allows it (and then only inside TLS, which is always on). */
  readonly allowPlain?: boolean;
  /** SCRAM iteration counts below this are refused (never below 4096; policy may raise it). */
  readonly scramMinIterations?: number;
  readonly timeoutMs?: number;
}

/**
 * Who signs in: with the password (first sign-in, or an account stored before SCRAM keys were
 * kept), or with the SCRAM keys a password sign-in produced, so the password need not be kept.
 */
export type Credentials =
  | { readonly username: string; readonly password: string; readonly resource?: string }
  | { readonly username: string; readonly scram: ScramKeys; readonly resource?: string };
