import type { z } from 'zod';

/**
 * One IPC method: request and response schemas plus the facts the binding needs.
 * `access` decides whether the call needs an unlocked staff session ("phi") or not ("public"),
 * so the session layer can refuse PHI methods while locked without each handler remembering to.
 * "session" needs an unlocked session but touches no PHI, so it stays reachable while the audit
 * trail is closed (the administrator acknowledging an integrity problem).
 * `audit` says how the call is audited (declared here once, read by core's call audit); null for
 * calls that touch no PHI and test no secret.
 */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
  readonly access: 'public' | 'phi' | 'session';
  readonly audit: AuditSpec | null;
}

/** How one method is audited. */
export interface AuditSpec {
  /** The audit event the call records (an AuditEventType; tests/unit/contract.test.ts checks it). */
  readonly event: string;
  /** The call tests a secret: any failure is recorded as 'auth.failed' ('auth.pin_destroyed' for a destroyed PIN slot). */
  readonly secret?: true;
  /** A success is recorded by the handler or by the session transition it causes, so the call itself writes nothing. */
  readonly selfRecorded?: true;
  /**
   * The call is also how screens refresh: the same successful record (event, person, targets) is
   * written once per unlocked session and then at most once per this many milliseconds, so the trail
   * says what a person did, not how often the screen redrew.
   */
  readonly refreshMs?: number;
}

/** Re-reads a screen makes (the inbox, older pages of an open thread, read markers): one record per quarter hour says they looked. */
export const AUDIT_REFRESH_MS = 15 * 60_000;

export function defineMethod<Req extends z.ZodType, Res extends z.ZodType>(
  spec: MethodSpec<Req, Res>,
): MethodSpec<Req, Res> {
  return spec;
}
