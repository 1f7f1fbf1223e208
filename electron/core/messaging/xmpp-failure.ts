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
