import { CoreError } from '../errors.ts';
import type { AttemptVerdict, SignInLimiter } from './limiter.ts';

const WAIT = 'Too many attempts. Please wait a moment before trying again.';
const LOCKED_OUT = 'Too many wrong passwords. This profile is locked for a while; ask your administrator if you need in now.';

export interface GuardHooks {
  /** A wrong secret (audit 'auth.failed'). */
  onFailure?(verdict: AttemptVerdict): void;
  /** This failure locked the profile out (audit 'auth.lockout'). */
  onLockout?(verdict: AttemptVerdict): void;
  /** Refused before trying, because of a delay or lockout (audit 'auth.failed' with outcome denied). */
  onRefused?(verdict: AttemptVerdict): void;
  /** Persists the counters with this attempt already counted, before the secret is tried. */
  persist?(): Promise<void>;
}

/**
 * Runs one password attempt under the per-profile and per-device limits: refused with
 * 'rate_limited' (and retryAfterMs) while a delay or lockout runs. The attempt is counted as a
 * failure before anything is awaited (and persisted before the secret is tried), so neither a
 * parallel burst nor killing the app after each guess gets more tries; a right secret clears the
 * count, any error other than 'wrong_password' takes the reservation back.
 */
export async function guardSignIn<T>(limiter: SignInLimiter, profileId: string, attempt: () => Promise<T>, hooks: GuardHooks = {}): Promise<T> {
  const before = limiter.check(profileId);
  if (!before.allowed) {
    hooks.onRefused?.(before);
    throw new CoreError('rate_limited', before.reason === 'lockout' ? LOCKED_OUT : WAIT, { retryAfterMs: before.retryAfterMs });
  }
  const verdict = limiter.reserve(profileId);
  let result: T;
  try {
    await hooks.persist?.();
    result = await attempt();
  } catch (err) {
    if (!(err instanceof CoreError) || err.code !== 'wrong_password') {
      limiter.notTried(profileId);
      throw err;
    }
    hooks.onFailure?.(verdict);
    if (verdict.lockedOutNow) hooks.onLockout?.(verdict);
    if (verdict.allowed) throw err;
    if (verdict.reason === 'lockout') throw new CoreError('rate_limited', LOCKED_OUT, { retryAfterMs: verdict.retryAfterMs, cause: err });
    throw new CoreError('wrong_password', err.message, { retryAfterMs: verdict.retryAfterMs, cause: err });
  }
  limiter.confirmedRight(profileId);
  return result;
}
