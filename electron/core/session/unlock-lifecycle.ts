import type { AuditEntry } from '../audit/log.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log/logger.ts';
import { auditEntryFor } from './audit-bridge.ts';
import type { SessionController } from './controller.ts';

export interface UnlockLifecycle {
  /** Work that must finish before a profile's store closes (stop messaging, stop timers). */
  onLeaveUnlocked(task: (profileId: string) => Promise<void>): void;
  /** Work that starts once a profile is unlocked (messaging, retention). */
  onUnlocked(task: (profileId: string) => void): void;
  /** Settles when the last leave (tasks, then the store's close) has finished. */
  closing(): Promise<void>;
}

/**
 * Every transition away from "unlocked" stops what uses the store, then closes it and drops its key,
 * whatever caused it (idle, OS lock, remote lock, sign-out); every transition is audited and told
 * to the renderer.
 */
export function bindUnlockLifecycle(deps: {
  session: SessionController;
  closeStore: (profileId: string) => Promise<void>;
  record: (entry: AuditEntry) => void;
  events: CoreEvents;
  log: Logger;
}): UnlockLifecycle {
  const { log } = deps;
  const leaveTasks: Array<(profileId: string) => Promise<void>> = [];
  const unlockTasks: Array<(profileId: string) => void> = [];
  let closing: Promise<void> = Promise.resolve();
  deps.session.onTransition((t, state) => {
    // The gate already refuses PHI calls (state changed synchronously); now stop what uses the
    // store, then close it and drop its key.
    if (t.to !== 'unlocked') {
      closing = Promise.allSettled(leaveTasks.map((task) => task(t.staffId)))
        .then(() => deps.closeStore(t.staffId))
        .catch((err: unknown) => log.error('session.close_store_failed', { error: err }));
    } else {
      for (const task of unlockTasks) {
        try {
          task(t.staffId);
        } catch (err) {
          log.error('session.unlock_task_failed', { error: err });
        }
      }
    }
    deps.record(auditEntryFor(t));
    deps.events.emit('session.changed', state);
  });
  return {
    onLeaveUnlocked: (task) => void leaveTasks.push(task),
    onUnlocked: (task) => void unlockTasks.push(task),
    closing: () => closing,
  };
}
