import { methods, type AuditEventType, type IpcError, type MethodName } from '../../../shared/contract/index.ts';
import { targetRef } from './keys.ts';
import type { AuditEntry } from './log.ts';

/**
 * Calls whose success the handler records itself (profile creation with the new profile's id, then
 * the session transition), so the dispatcher would only write a second copy.
 */
const SELF_RECORDED = new Set<MethodName>(['profiles.open', 'profiles.unlockWithPin', 'profiles.close', 'profiles.create', 'account.firstSignIn']);
/** Calls that test a secret: a failure is an 'auth.failed' record whatever the method's own event. */
const SECRET_CALLS = new Set<MethodName>([
  'profiles.open',
  'profiles.unlockWithPin',
  'profiles.changePassword',
  'profiles.wipe',
  'account.firstSignIn',
  'account.updatePassword',
]);

const ID_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['profileId', 'profile'],
  ['conversationId', 'conversation'],
  ['messageId', 'message'],
  ['clientId', 'message'],
  ['attachmentId', 'attachment'],
  ['roomId', 'room'],
];
/** Values that could carry PHI or identify a person are referenced by keyed hash only. */
const REF_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['query', 'search'],
  ['to', 'peer'],
  ['jid', 'peer'],
  ['fileName', 'file'],
];
const OPAQUE = /^[A-Za-z0-9._:@/-]{1,120}$/;

function targetsOf(request: unknown, refKey: Buffer): string[] {
  if (request === null || typeof request !== 'object') return [];
  const fields = request as Record<string, unknown>;
  const targets: string[] = [];
  for (const [field, kind] of ID_FIELDS) {
    const value = fields[field];
    if (typeof value === 'number' || (typeof value === 'string' && OPAQUE.test(value))) targets.push(`${kind}:${value}`);
    else if (typeof value === 'string') targets.push(targetRef(refKey, kind, value));
  }
  for (const [field, kind] of REF_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string' && value.length > 0) targets.push(targetRef(refKey, kind, value));
  }
  return targets.slice(0, 8);
}

const outcomeOf = (code: 'ok' | IpcError['code']): AuditEntry['outcome'] =>
  code === 'ok' ? 'ok' : ['locked', 'unauthorized', 'forbidden_origin', 'wrong_password', 'wrong_pin', 'pin_locked_out', 'rate_limited'].includes(code) ? 'denied' : 'error';

/**
 * The audit record for one contract call, or null when the call is not audited (no `audit` name,
 * a malformed request that never ran, or a success already recorded as a session transition).
 */
export function auditEntryForCall(
  method: MethodName,
  outcome: 'ok' | IpcError['code'],
  request: unknown,
  staffId: string | null,
  refKey: Buffer,
): AuditEntry | null {
  const event = methods[method].audit as AuditEventType | null;
  if (event === null || outcome === 'invalid_request') return null;
  const targets = targetsOf(request, refKey);
  const code = outcome === 'ok' ? null : outcome;
  if (outcome !== 'ok' && SECRET_CALLS.has(method)) {
    const failed: AuditEventType = outcome === 'pin_locked_out' ? 'auth.pin_destroyed' : 'auth.failed';
    return { event: failed, staffId, targets, outcome: outcomeOf(outcome), code };
  }
  if (outcome === 'ok' && SELF_RECORDED.has(method)) return null;
  return { event, staffId, targets, outcome: outcomeOf(outcome), code };
}
