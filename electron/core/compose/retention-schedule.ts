import type { Logger } from '../log/logger.ts';
import type { PolicyService } from '../policy/service.ts';
import type { Timers } from '../session/clock.ts';
import type { UnlockLifecycle } from '../session/unlock-lifecycle.ts';
import type { Store } from '../store/store.ts';
import type { ProfileHolder } from '../vault/open-profile.ts';

const EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * Message retention: whenever a profile is unlocked, and every six hours while it stays unlocked,
 * messages and attachments older than the policy's limit are purged with secure delete.
 * (A locked profile's store cannot be opened, so its purge waits for the next unlock.)
 */
export function scheduleRetention(deps: {
  lifecycle: UnlockLifecycle;
  profiles: ProfileHolder<Store>;
  policy: PolicyService;
  log: Logger;
  timers: Timers;
}): void {
  const { lifecycle, profiles, policy, log, timers } = deps;
  let timer: unknown = null;
  const purge = async (profileId: string) => {
    const days = policy.values.messageRetentionDays;
    const open = profiles.current();
    if (days === null || open === null || open.profileId !== profileId) return;
    try {
      const removed = await open.store.purge(days);
      if (removed.messages > 0 || removed.attachments > 0) log.info('retention.purged', { count: removed.messages, attempts: removed.attachments });
    } catch (err) {
      log.error('retention.purge_failed', { error: err });
    }
  };
  const arm = (profileId: string) => {
    timer = timers.setTimeout(() => {
      void purge(profileId).then(() => arm(profileId));
    }, EVERY_MS);
  };
  lifecycle.onUnlocked((profileId) => {
    void purge(profileId);
    if (timer !== null) timers.clearTimeout(timer);
    arm(profileId);
  });
  lifecycle.onLeaveUnlocked(async () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  });
}
