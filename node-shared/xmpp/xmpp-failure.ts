export type FailureKind =
  | 'network'
  | 'certificate'
  | 'auth'
  | 'plain_refused'
  | 'no_mechanism'
  | 'weak_auth'
  | 'tls_required'
  | 'protocol'
  | 'timeout'
  | 'closed';

/** Every way a connection can fail; `detail` is a protocol code, never PHI or a password. */
export class XmppFailure extends Error {
  override readonly name = 'XmppFailure';
  readonly kind: FailureKind;
  readonly detail: string;
  constructor(kind: FailureKind, detail: string) {
    super(`${kind}: ${detail}`);
    this.kind = kind;
    this.detail = detail;
  }
}

/**
 * Failures that retrying cannot fix (the password, the certificate, or a server that offers no
 * sign-in we accept). One list, so the sign-in check and the connection manager never disagree.
 */
export function finalFailure(kind: FailureKind): 'auth' | 'certificate' | 'insecure' | null {
  switch (kind) {
    case 'auth':
      return 'auth';
    case 'certificate':
      return 'certificate';
    case 'plain_refused':
    case 'no_mechanism':
    case 'weak_auth':
    case 'tls_required':
      return 'insecure';
    default:
      return null;
  }
}
