import type { Clock } from './clock.ts';

export interface BackoffPolicy {
  /** Failures allowed before any delay. */
  readonly freeFailures: number;
  /** Delay after the first failure past the free ones; doubles with each further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Failures in a row that lock the key out for lockoutMs; null never locks out. */
  readonly lockoutAfter: number | null;
  readonly lockoutMs: number;
  /** A quiet period after which earlier failures are forgotten. */
  readonly forgetAfterMs: number;
}

const MINUTE = 60_000;

/** Per profile: 3 free tries, then 2 s, 4 s, 8 s …; the 10th wrong password locks the profile for 15 minutes. */
export const PROFILE_BACKOFF: BackoffPolicy = {
  freeFailures: 3,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * MINUTE,
  lockoutAfter: 10,
  lockoutMs: 15 * MINUTE,
  forgetAfterMs: 24 * 60 * MINUTE,
};

/** Per device, across profiles (guessing through many profile names): slower to start, no hard lockout. */
export const DEVICE_BACKOFF: BackoffPolicy = {
  freeFailures: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * MINUTE,
  lockoutAfter: null,
  lockoutMs: 0,
  forgetAfterMs: 15 * MINUTE,
};

export type AttemptVerdict =
  | { readonly allowed: true; readonly failures: number }
  | { readonly allowed: false; readonly failures: number; readonly retryAfterMs: number; readonly reason: 'backoff' | 'lockout' };

interface Entry {
  failures: number;
  lastFailureAt: number;
  /** The next attempt is refused before this time. */
  notBefore: number;
  lockedOut: boolean;
}

export type LimiterSnapshot = Record<string, { failures: number; lastFailureAt: number; notBefore: number; lockedOut: boolean }>;

/**
 * Growing delays between failed attempts, keyed by profile or device. Pure apart from the injected
 * clock; snapshot/restore let the caller keep the counts across restarts (a restart must not reset
 * a lockout).
 */
export class AttemptLimiter {
  private readonly policy: BackoffPolicy;
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();

  constructor(policy: BackoffPolicy, clock: Clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** Delay after `failures` failures in a row. */
  delayAfter(failures: number): number {
    const over = failures - this.policy.freeFailures;
    if (over <= 0) return 0;
    return Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** Math.min(over - 1, 30));
  }

  check(key: string): AttemptVerdict {
    const e = this.live(key);
    if (e === undefined) return { allowed: true, failures: 0 };
    const wait = e.notBefore - this.clock.now();
    if (wait > 0) return { allowed: false, failures: e.failures, retryAfterMs: wait, reason: e.lockedOut ? 'lockout' : 'backoff' };
    return { allowed: true, failures: e.failures };
  }

  /** Records a failed attempt; the verdict says when the next one may come and whether this one locked out. */
  recordFailure(key: string): AttemptVerdict & { readonly lockedOutNow: boolean } {
    const now = this.clock.now();
    const e = this.live(key) ?? { failures: 0, lastFailureAt: now, notBefore: 0, lockedOut: false };
    e.failures++;
    e.lastFailureAt = now;
    const lockoutAfter = this.policy.lockoutAfter;
    const lockedOutNow = lockoutAfter !== null && e.failures >= lockoutAfter && !e.lockedOut;
    if (lockedOutNow) {
      e.lockedOut = true;
      e.notBefore = now + this.policy.lockoutMs;
    } else {
      e.notBefore = Math.max(e.notBefore, now + this.delayAfter(e.failures));
    }
    this.entries.set(key, e);
    return { ...this.check(key), lockedOutNow };
  }

  recordSuccess(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Takes back one failure recorded for an attempt that turned out not to be a wrong secret (it was
   * counted before it ran). A lockout that no longer has enough failures behind it ends; the delay is
   * recomputed from the remaining count.
   */
  refund(key: string): void {
    const e = this.live(key);
    if (e === undefined) return;
    e.failures = Math.max(0, e.failures - 1);
    if (e.failures === 0) {
      this.entries.delete(key);
      return;
    }
    const lockoutAfter = this.policy.lockoutAfter;
    if (e.lockedOut && (lockoutAfter === null || e.failures >= lockoutAfter)) return;
    e.lockedOut = false;
    e.notBefore = e.lastFailureAt + this.delayAfter(e.failures);
  }

  /** Merges a saved copy in, keeping the stricter of the two for every key (a copy can only tighten). */
  mergeStricter(snapshot: LimiterSnapshot): void {
    const restored = new AttemptLimiter(this.policy, this.clock);
    restored.restore(snapshot);
    for (const [k, theirs] of restored.entries) {
      const ours = this.entries.get(k);
      this.entries.set(
        k,
        ours === undefined
          ? theirs
          : {
              failures: Math.max(ours.failures, theirs.failures),
              lastFailureAt: Math.max(ours.lastFailureAt, theirs.lastFailureAt),
              notBefore: Math.max(ours.notBefore, theirs.notBefore),
              lockedOut: ours.lockedOut || theirs.lockedOut,
            },
      );
    }
  }

  snapshot(): LimiterSnapshot {
    const out: LimiterSnapshot = {};
    for (const [k, e] of this.entries) out[k] = { ...e };
    return out;
  }

  restore(snapshot: LimiterSnapshot): void {
    this.entries.clear();
    for (const [k, e] of Object.entries(snapshot)) {
      const ok = [e.failures, e.lastFailureAt, e.notBefore].every(Number.isSafeInteger) && e.failures >= 0;
      if (ok) this.entries.set(k, { failures: e.failures, lastFailureAt: e.lastFailureAt, notBefore: e.notBefore, lockedOut: e.lockedOut === true });
    }
  }

  /** The entry, or undefined once it was forgotten (quiet period over, or a finished lockout). */
  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    const now = this.clock.now();
    const lockoutOver = e.lockedOut && now >= e.notBefore;
    if (lockoutOver || (!e.lockedOut && now - e.lastFailureAt >= this.policy.forgetAfterMs)) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}

/** Sign-in limits per profile and per device together: an attempt waits for the later of the two. */
export class SignInLimiter {
  readonly profile: AttemptLimiter;
  readonly device: AttemptLimiter;

  constructor(clock: Clock, profilePolicy: BackoffPolicy = PROFILE_BACKOFF, devicePolicy: BackoffPolicy = DEVICE_BACKOFF) {
    this.profile = new AttemptLimiter(profilePolicy, clock);
    this.device = new AttemptLimiter(devicePolicy, clock);
  }

  check(profileId: string): AttemptVerdict {
    return SignInLimiter.stricter(this.profile.check(profileId), this.device.check('device'));
  }

  recordFailure(profileId: string): AttemptVerdict & { readonly lockedOutNow: boolean } {
    const p = this.profile.recordFailure(profileId);
    const d = this.device.recordFailure('device');
    return { ...SignInLimiter.stricter(p, d), lockedOutNow: p.lockedOutNow || d.lockedOutNow };
  }

  /** A correct password clears the profile's count; the device count only decays with time. */
  recordSuccess(profileId: string): void {
    this.profile.recordSuccess(profileId);
  }

  /**
   * Counts an attempt as failed before it runs, synchronously: parallel attempts each see the ones
   * started before them, so a burst cannot slip past the check while the first ones are still running.
   * Settle it with `confirmedRight` or `notTried`; a wrong secret needs nothing more.
   */
  reserve(profileId: string): AttemptVerdict & { readonly lockedOutNow: boolean } {
    return this.recordFailure(profileId);
  }

  /** The reserved attempt had the right secret: the profile's count clears, the device's reservation is returned. */
  confirmedRight(profileId: string): void {
    this.profile.recordSuccess(profileId);
    this.device.refund('device');
  }

  /** The reserved attempt failed for another reason (not found, network): both reservations are returned. */
  notTried(profileId: string): void {
    this.profile.refund(profileId);
    this.device.refund('device');
  }

  private static stricter(a: AttemptVerdict, b: AttemptVerdict): AttemptVerdict {
    if (a.allowed && b.allowed) return a;
    if (a.allowed) return { ...b, failures: a.failures };
    if (b.allowed) return a;
    return a.retryAfterMs >= b.retryAfterMs ? a : { ...b, failures: a.failures };
  }
}
