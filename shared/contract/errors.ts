import { z } from 'zod';

/** Every failure the renderer can see. Messages are fixed, PHI-free sentences; never stack traces. */
export const ErrorCode = z.enum([
  'invalid_request',
  'invalid_response',
  'unknown_method',
  'forbidden_origin',
  'unauthorized',
  'locked',
  'not_found',
  'conflict',
  'keychain_unavailable',
  /** The audit trail cannot be written or its integrity is in question: patient information stays closed. */
  'audit_unavailable',
  'wrong_password',
  'wrong_pin',
  'pin_locked_out',
  'rate_limited',
  'damaged_key_file',
  'damaged_store',
  'store_too_new',
  'unsupported',
  'network',
  'certificate',
  /** The patient asked not to be contacted this way (STOP, the e-mail link, or staff recorded it). */
  'opted_out',
  /** The server, a room or the organisation's policy refused: this staff member may not do that there. */
  'not_allowed',
  /** The organisation's server offers no team rooms. */
  'rooms_unavailable',
  'internal',
  /** The file is not an image or PDF the safe viewer can show (decided from its bytes): save it instead. */
  'not_viewable',
  /** Managed configuration does not allow this server or account domain. */
  'server_not_allowed',
  /** Pinning one more conversation than the inbox keeps in front (MAX_PINNED). */
  'too_many_pins',
  /** The PIN is shorter than policy allows; params.min says the shortest accepted. */
  'pin_too_short',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const IpcError = z.strictObject({
  code: ErrorCode,
  message: z.string().max(500),
  retryAfterMs: z.number().int().nonnegative().optional(),
  /** Numbers the renderer words into its sentence (for example `min` digits); never PHI. */
  params: z.record(z.string().max(40), z.number().int()).optional(),
});
export type IpcError = z.infer<typeof IpcError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: IpcError }),
  ]);
}
