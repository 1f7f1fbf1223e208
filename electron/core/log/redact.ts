/**
 * Placeholder redactor; replaced by the full PHI redactor (see tests/unit/redact.test.ts).
 */
export function redactArgs(args: unknown[]): unknown[] {
  return args.map((a) => (typeof a === 'string' ? a : '[redacted]'));
}
