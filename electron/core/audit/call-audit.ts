import { methods, type AuditEventType, type IpcError, type MethodName } from '../../../shared/contract/index.ts';
import { targetRef } from '../../../node-shared/audit/keys.ts';
import type { AuditEntry } from './log.ts';

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
  ['staff', 'peer'],
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
 * The audit record for one contract call, or null when the call is not audited (no `audit` spec,
 * a malformed request that never ran, or a success already recorded by the handler or the session
 * transition). How a method is audited is declared once, in its contract entry.
 */
export function auditEntryForCall(
  method: MethodName,
  outcome: 'ok' | IpcError['code'],
  request: unknown,
  staffId: string | null,
  refKey: Buffer,
): AuditEntry | null {
  const spec = methods[method].audit;
  if (spec === null || outcome === 'invalid_request') return null;
  const event = spec.event as AuditEventType;
  const targets = targetsOf(request, refKey);
  const code = outcome === 'ok' ? null : outcome;
  if (outcome !== 'ok' && spec.secret === true) {
    const failed: AuditEventType = outcome === 'pin_locked_out' ? 'auth.pin_destroyed' : 'auth.failed';
    return { event: failed, staffId, targets, outcome: outcomeOf(outcome), code };
  }
  if (outcome === 'ok' && spec.selfRecorded === true) return null;
  return { event, staffId, targets, outcome: outcomeOf(outcome), code };
}

/**
 * Drops repeats of refresh-type records (contract `refreshMs`): the first success per person,
 * event and targets (message ids aside) in a session is written, then at most one per window. Failures and refusals
 * are always written. `reset()` on every session transition starts afresh.
 */
export class RefreshCoalescer {
  private readonly last = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  keep(method: MethodName, entry: AuditEntry): boolean {
    const windowMs = methods[method].audit?.refreshMs;
    if (windowMs === undefined || entry.outcome !== 'ok') return true;
    // Read markers move with every message shown; what the person did is "read this conversation".
    const targets = (entry.targets ?? []).filter((t) => !t.startsWith('message:'));
    const key = JSON.stringify([entry.event, entry.staffId, targets]);
    const at = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && at - previous < windowMs) return false;
    this.last.set(key, at);
    return true;
  }

  reset(): void {
    this.last.clear();
  }
}
