import type { AuditEntry } from '../audit/log.ts';
import type { SessionController } from './controller.ts';
import type { SessionTransition } from './transitions.ts';

/** The audit record for a session transition: every transition is one record. */
export function auditEntryFor(t: SessionTransition): AuditEntry {
  const targets = [`reason:${t.reason}`];
  if (t.to === 'unlocked') {
    return { event: t.from === 'signed-out' ? 'auth.sign_in' : 'session.unlock', staffId: t.staffId, targets };
  }
  if (t.to === 'locked') {
    return { event: t.reason === 'user_switch' ? 'session.switch_user' : 'session.lock', staffId: t.staffId, targets };
  }
  return { event: 'auth.sign_out', staffId: t.staffId, targets };
}

/** Wires transitions into the audit trail; returns the unsubscribe function. */
export function auditSessionTransitions(session: SessionController, append: (entry: AuditEntry) => void): () => void {
  return session.onTransition((t) => append(auditEntryFor(t)));
}
