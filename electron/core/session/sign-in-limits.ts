import type { AuditEntry } from '../audit/log.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { createAttemptsStore } from './attempts-store.ts';
import type { Clock } from './clock.ts';
import { SignInLimiter } from './limiter.ts';
import { guardSignIn } from './sign-in-guard.ts';

/** The limiter key for first sign-ins (no profile exists yet): they count against the device. */
const FIRST_SIGN_IN = 'first-sign-in';

export interface SignInLimits {
  /** Loads the saved counters (after the device key exists); every guard waits for it. */
  load(): Promise<void>;
  /**
   * Runs one secret-testing attempt for `profileId` under the per-profile and per-device limits;
   * `null` for a first sign-in, which has no profile yet and is limited per device.
   */
  guard<T>(profileId: string | null, attempt: () => Promise<T>): Promise<T>;
}

/** The limiter with its counters persisted (integrity-protected) across restarts and its refusals in the audit trail. */
export function createSignInLimits(deps: {
  dataDir: string;
  keychain: Keychain;
  clock: Clock;
  log: Logger;
  record: (entry: AuditEntry) => void;
}): SignInLimits {
  const store = createAttemptsStore({ dataDir: deps.dataDir, keychain: deps.keychain, log: deps.log });
  const limiter = new SignInLimiter(deps.clock);
  let loaded: Promise<void> | null = null;
  const load = () => (loaded ??= store.load(limiter).catch((err: unknown) => deps.log.warn('session.attempts_unreadable', { error: err })));
  const denied = (event: 'auth.lockout' | 'auth.failed', profileId: string | null) =>
    deps.record({
      event,
      staffId: profileId,
      targets: profileId === null ? [] : [`profile:${profileId}`],
      outcome: 'denied',
      code: 'rate_limited',
    });
  return {
    load,
    async guard(profileId, attempt) {
      await load();
      // From here to the reservation inside guardSignIn nothing is awaited: check and count are one step.
      return guardSignIn(limiter, profileId ?? FIRST_SIGN_IN, attempt, {
        onLockout: () => denied('auth.lockout', profileId),
        onRefused: () => denied('auth.failed', profileId),
        persist: () => store.save(limiter),
      }).finally(() => void store.save(limiter));
    },
  };
}
