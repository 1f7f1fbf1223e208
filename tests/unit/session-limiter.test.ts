import { describe, expect, it } from 'vitest';
import { AttemptLimiter, PROFILE_BACKOFF, SignInLimiter, type BackoffPolicy } from '../../electron/core/session/limiter.ts';

const MIN = 60_000;

/** A hand-driven clock: nothing moves unless the test says so. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('attempt limiter', () => {
  it('allows the free failures, then delays grow exponentially up to the cap', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter(PROFILE_BACKOFF, clock);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const v = limiter.recordFailure('p_a');
      waits.push(v.allowed ? 0 : v.retryAfterMs);
      clock.advance(v.allowed ? 0 : v.retryAfterMs);
    }
    expect(waits).toEqual([0, 0, 0, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
    expect(limiter.delayAfter(40)).toBe(PROFILE_BACKOFF.maxDelayMs);
  });

  it('refuses an attempt during the delay with the time left, and allows it after', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter(PROFILE_BACKOFF, clock);
    for (let i = 0; i < 4; i++) limiter.recordFailure('p_a');
    expect(limiter.check('p_a')).toEqual({ allowed: false, failures: 4, retryAfterMs: 2_000, reason: 'backoff' });
    clock.advance(1_500);
    expect(limiter.check('p_a')).toMatchObject({ allowed: false, retryAfterMs: 500 });
    clock.advance(500);
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 4 });
    expect(limiter.check('p_b')).toEqual({ allowed: true, failures: 0 });
  });

  it('resets on success', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter(PROFILE_BACKOFF, clock);
    for (let i = 0; i < 5; i++) limiter.recordFailure('p_a');
    limiter.recordSuccess('p_a');
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 0 });
    expect(limiter.recordFailure('p_a')).toMatchObject({ allowed: true, failures: 1 });
  });

  it('locks the profile out after N failures for the lockout time, then starts afresh', () => {
    const clock = fakeClock();
    const limiter = new AttemptLimiter(PROFILE_BACKOFF, clock);
    let last = limiter.recordFailure('p_a');
    for (let i = 1; i < PROFILE_BACKOFF.lockoutAfter! - 1; i++) {
      clock.advance(last.allowed ? 0 : last.retryAfterMs);
      last = limiter.recordFailure('p_a');
      expect(last.lockedOutNow).toBe(false);
    }
    clock.advance(last.allowed ? 0 : last.retryAfterMs);
    const tenth = limiter.recordFailure('p_a');
    expect(tenth).toMatchObject({ allowed: false, failures: 10, reason: 'lockout', retryAfterMs: 15 * MIN, lockedOutNow: true });
    clock.advance(15 * MIN - 1);
    expect(limiter.check('p_a')).toMatchObject({ allowed: false, reason: 'lockout', retryAfterMs: 1 });
    clock.advance(1);
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 0 });
  });

  it('forgets old failures after a quiet period', () => {
    const policy: BackoffPolicy = { ...PROFILE_BACKOFF, forgetAfterMs: 10 * MIN };
    const clock = fakeClock();
    const limiter = new AttemptLimiter(policy, clock);
    for (let i = 0; i < 3; i++) limiter.recordFailure('p_a');
    clock.advance(10 * MIN);
    expect(limiter.recordFailure('p_a')).toMatchObject({ allowed: true, failures: 1 });
  });

  it('keeps counts and lockouts across a restart through snapshot and restore', () => {
    const clock = fakeClock();
    const before = new AttemptLimiter(PROFILE_BACKOFF, clock);
    for (let i = 0; i < 10; i++) before.recordFailure('p_a');
    const saved = JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<AttemptLimiter['snapshot']>;
    const after = new AttemptLimiter(PROFILE_BACKOFF, clock);
    after.restore({ ...saved, junk: { failures: -1, lastFailureAt: 0, notBefore: 0, lockedOut: false } });
    expect(after.check('p_a')).toMatchObject({ allowed: false, reason: 'lockout' });
    expect(after.check('junk')).toEqual({ allowed: true, failures: 0 });
  });
});

describe('sign-in limiter (profile and device)', () => {
  it('slows guessing across many profiles on one device', () => {
    const clock = fakeClock();
    const limiter = new SignInLimiter(clock);
    for (let i = 0; i < 10; i++) expect(limiter.recordFailure(`p_${i}`).allowed).toBe(true);
    const eleventh = limiter.recordFailure('p_10');
    expect(eleventh).toMatchObject({ allowed: false, retryAfterMs: 1_000, failures: 1 });
    expect(limiter.check('p_new')).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
  });

  it('waits for the stricter of the two and resets only the profile on success', () => {
    const clock = fakeClock();
    const limiter = new SignInLimiter(clock);
    for (let i = 0; i < 5; i++) {
      const v = limiter.recordFailure('p_a');
      clock.advance(v.allowed ? 0 : v.retryAfterMs);
    }
    limiter.recordFailure('p_a');
    expect(limiter.check('p_a')).toMatchObject({ allowed: false, retryAfterMs: 8_000, reason: 'backoff' });
    clock.advance(8_000);
    limiter.recordSuccess('p_a');
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 0 });
    expect(limiter.device.check('device')).toMatchObject({ failures: 6 });
  });
});
