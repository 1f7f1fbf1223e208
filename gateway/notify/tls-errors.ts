/**
 * Node reports an untrusted, expired or misnamed certificate with one of OpenSSL's codes. Telling
 * them apart from "could not connect" lets IT see that a relay or provider is impersonated or
 * misconfigured, rather than down.
 */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

export function isTlsFailure(err: unknown): boolean {
  // nodemailer replaces the code with its own ("ESOCKET") and keeps OpenSSL's as originalCode.
  const { code, originalCode } = (err ?? {}) as { code?: unknown; originalCode?: unknown };
  if ([code, originalCode].some((c) => typeof c === 'string' && TLS_CODES.test(c))) return true;
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== err && isTlsFailure(cause);
}
