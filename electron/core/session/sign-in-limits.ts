import type { AuditEntry } from '../audit/log.ts';
import type { Logger } from '../log/logger.ts';
import { attemptsFile, restoreAttempts, saveAttempts } from './attempts-store.ts';
import type { Clock } from './clock.ts';
import { SignInLimiter } from './limiter.ts';
import { guardSignIn } from './sign-in-guard.ts';

export interface SignInLimits {
  /** Runs one secret-testing attempt for `profileId` under the per-profile and per-device limits. */
  guard<T>(profileId: string, attempt: () => Promise<T>): Promise<T>;
}

/** The limiter with its counters persisted across restarts and its refusals in the audit trail. */
export function createSignInLimits(deps: { dataDir: string; clock: Clock; log: Logger; record: (entry: AuditEntry) => void }): SignInLimits {
  const file = attemptsFile(deps.dataDir);
  const limiter = new SignInLimiter(deps.clock);
  restoreAttempts(limiter, file, deps.log);
  const denied = (event: 'auth.lockout' | 'auth.failed', profileId: string) =>
    deps.record({ event, staffId: profileId, targets: [`profile:${profileId}`], outcome: 'denied', code: 'rate_limited' });
  return {
    guard: (profileId, attempt) =>
      guardSignIn(limiter, profileId, attempt, {
        onLockout: () => denied('auth.lockout', profileId),
        onRefused: () => denied('auth.failed', profileId),
      }).finally(() => void saveAttempts(limiter, file, deps.log)),
  };
}
