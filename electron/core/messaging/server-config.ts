/** Where and how to reach the organisation's XMPP server, and who signs in. Types only (a leaf). */
export interface ServerConfig {
  /** The XMPP domain (also the TLS server name checked against the certificate). */
  readonly domain: string;
  /** Host to dial; defaults to the domain. */
  readonly host?: string;
  readonly port: number;
  /** 'starttls' for 5222, 'directtls' for XEP-0368 (5223). */
  readonly mode: 'starttls' | 'directtls';
  /** The organisation's CA (PEM). When given it replaces the system roots. */
  readonly ca?: string;
  /** Optional pinning: base64 SHA-256 of the server certificate's SubjectPublicKeyInfo. */
  readonly pinSha256?: readonly string[];
  /** SASL PLAIN is refused unless policy allows it (and then only inside TLS, which is always on). */
  readonly allowPlain?: boolean;
  readonly timeoutMs?: number;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly resource?: string;
}
