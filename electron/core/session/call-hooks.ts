import { isMethodName, methods, type MethodName } from '../../../shared/contract/index.ts';
import { auditEntryForCall, RefreshCoalescer } from '../audit/call-audit.ts';
import type { AuditEntry } from '../audit/log.ts';
import type { CallHooks } from '../ipc/dispatcher.ts';
import type { SessionController } from './controller.ts';
import { createSessionGate } from './gate.ts';

/**
 * What runs around every contract call: the gate refuses PHI methods unless unlocked (from the
 * contract's `access`) and while the audit trail cannot record them, and each call is audited
 * afterwards as its contract entry's `audit` says (ids only).
 */
export function createCallHooks(deps: {
  session: SessionController;
  /** Records a call's outcome; a failure is logged (the call's own answer stands). */
  record: (entry: AuditEntry) => void;
  /** Records a successful PHI call or throws: a PHI call that cannot be recorded fails. */
  append: (entry: AuditEntry) => void;
  /** Throws CoreError('audit_unavailable') while the trail cannot record PHI access. */
  ensureWritable: () => Promise<void>;
  refKey: () => Buffer;
  now: () => number;
}): CallHooks {
  const gate = createSessionGate(deps.session, (m) => (isMethodName(m) ? methods[m].access : undefined));
  // Screen refreshes are recorded once per session and window; a new session records them again.
  const refreshes = new RefreshCoalescer(deps.now);
  deps.session.onTransition(() => refreshes.reset());
  return {
    before: async (method) => {
      gate.before(method);
      // No PHI while the trail cannot record it or waits for an administrator.
      if (methods[method].access === 'phi') await deps.ensureWritable();
    },
    after: (method: MethodName, _ctx, outcome, request) => {
      // Sign-in calls run before a session exists; their records carry the profile they tried.
      const who = deps.session.state().staffId ?? profileIdOf(request);
      const entry = auditEntryForCall(method, outcome, request, who, deps.refKey());
      if (entry === null || !refreshes.keep(method, entry)) return;
      // The dispatcher turns this error into the call's answer.
      if (methods[method].access === 'phi' && outcome === 'ok') deps.append(entry);
      else deps.record(entry);
    },
  };
}

function profileIdOf(request: unknown): string | null {
  const id = (request as { profileId?: unknown } | null)?.profileId;
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id) ? id : null;
}
