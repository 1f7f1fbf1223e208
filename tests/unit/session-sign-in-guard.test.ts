import { describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { osIdleFromSeconds } from '../../electron/core/session/controller.ts';
import { SignInLimiter } from '../../electron/core/session/limiter.ts';
import { guardSignIn } from '../../electron/core/session/sign-in-guard.ts';

function fakeClock(start = 5_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const wrong = () => Promise.reject(new CoreError('wrong_password', 'That password is not right.'));
const right = () => Promise.resolve('opened');
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof CoreError ? { code: err.code, retryAfterMs: err.retryAfterMs } : 'other';
  }
};

describe('guarded sign-in', () => {
  it('counts wrong passwords, refuses during the delay, locks out, and every attempt reaches the audit hooks', async () => {
    const clock = fakeClock();
    const limiter = new SignInLimiter(clock);
    const heard: string[] = [];
    const hooks = {
      onFailure: () => heard.push('failed'),
      onLockout: () => heard.push('lockout'),
      onRefused: () => heard.push('refused'),
    };
    expect(await codeOf(guardSignIn(limiter, 'p_a', wrong, hooks))).toEqual({ code: 'wrong_password', retryAfterMs: undefined });
    await codeOf(guardSignIn(limiter, 'p_a', wrong, hooks));
    await codeOf(guardSignIn(limiter, 'p_a', wrong, hooks));
    expect(await codeOf(guardSignIn(limiter, 'p_a', wrong, hooks))).toEqual({ code: 'wrong_password', retryAfterMs: 2_000 });
    // Even the right password is refused during the delay, without being tried.
    let tried = false;
    const attempt = () => {
      tried = true;
      return right();
    };
    expect(await codeOf(guardSignIn(limiter, 'p_a', attempt, hooks))).toEqual({ code: 'rate_limited', retryAfterMs: 2_000 });
    expect(tried).toBe(false);
    for (let i = 0; i < 6; i++) {
      const v = limiter.check('p_a');
      clock.advance(v.allowed ? 0 : v.retryAfterMs);
      await codeOf(guardSignIn(limiter, 'p_a', wrong, hooks));
    }
    expect(heard.filter((h) => h === 'lockout')).toHaveLength(1);
    expect(await codeOf(guardSignIn(limiter, 'p_a', right, hooks))).toMatchObject({ code: 'rate_limited', retryAfterMs: 15 * 60_000 });
    expect(heard).toEqual(['failed', 'failed', 'failed', 'failed', 'refused', ...Array(6).fill('failed').flatMap((f, i) => (i === 5 ? [f, 'lockout'] : [f])), 'refused']);
    clock.advance(15 * 60_000);
    expect(await guardSignIn(limiter, 'p_a', right, hooks)).toBe('opened');
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 0 });
  });

  it('passes other errors through untouched and does not count them', async () => {
    const limiter = new SignInLimiter(fakeClock());
    const boom = new CoreError('keychain_unavailable', 'The keychain is not answering.');
    await expect(guardSignIn(limiter, 'p_a', () => Promise.reject(boom))).rejects.toBe(boom);
    expect(limiter.check('p_a')).toEqual({ allowed: true, failures: 0 });
  });

  it('adapts an idle-seconds counter', () => {
    expect(osIdleFromSeconds(() => 42).idleMs()).toBe(42_000);
  });
});
