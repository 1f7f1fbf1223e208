import { AUDIT_MAX_TARGETS } from '../../../shared/contract/audit.ts';
import type { MessagingLifecycle } from '../account/messaging-lifecycle.ts';
import type { AuditEntry } from '../audit/log.ts';
import type { Logger } from '../log/logger.ts';
import type { PolicyService } from '../policy/service.ts';
import type { Timers } from '../session/clock.ts';

/**
 * Managed configuration applied live: every change is audited (key names, never values), a new
 * server, CA, pin set or admin list reconnects messaging with it at once, and this machine's
 * sources are re-read every `refreshMs` (Group Policy and MDM change them while the app runs).
 */
export function applyManagedChanges(deps: {
  policy: PolicyService;
  messaging: Pick<MessagingLifecycle, 'restart'>;
  record: (entry: AuditEntry) => void;
  staffId: () => string | null;
  timers: Timers;
  refreshMs: number | undefined;
  log: Logger;
}): () => void {
  const { policy, timers, log } = deps;
  const unwatch = policy.onChange((change) => {
    for (let i = 0; i < change.keys.length; i += AUDIT_MAX_TARGETS) {
      deps.record({ event: 'policy.change', staffId: deps.staffId(), targets: change.keys.slice(i, i + AUDIT_MAX_TARGETS).map((key) => `key:${key}`) });
    }
    if (change.organisationChanged) void deps.messaging.restart().catch((err: unknown) => log.warn('policy.reconnect_failed', { error: err }));
  });
  let timer: unknown = null;
  const arm = () => {
    if (deps.refreshMs === undefined) return;
    timer = timers.setTimeout(() => {
      try {
        policy.refresh();
      } catch (err) {
        log.warn('policy.refresh_failed', { error: err });
      }
      arm();
    }, deps.refreshMs);
  };
  arm();
  return () => {
    unwatch();
    if (timer !== null) timers.clearTimeout(timer);
    deps.refreshMs = undefined;
  };
}
