import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionState } from '../../shared/contract/session.ts';
import { DEFAULT_POLICY } from '../../shared/contract/policy.ts';
import { createSessionController, type SessionControllerDeps } from '../../electron/core/session/controller.ts';
import type { SessionTransition } from '../../electron/core/session/transitions.ts';
import { sessionTimingFrom, type SessionTiming } from '../../electron/core/session/timing.ts';
import { createSessionGate } from '../../electron/core/session/gate.ts';
import { sessionHandlers } from '../../electron/core/ipc/handlers/session.ts';
import { auditEntryFor } from '../../electron/core/session/audit-bridge.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ctx = { transport: 'bridge' as const };

// vitest's fake timers drive both the clock and the timers the controller is given.
const fakeDeps = (timing: SessionTiming, extra: Partial<SessionControllerDeps> = {}): SessionControllerDeps => ({
  clock: { now: () => Date.now() },
  timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  timing: () => timing,
  ...extra,
});
const standard = sessionTimingFrom(DEFAULT_POLICY);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-22T08:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function started(timing: SessionTiming = standard, extra: Partial<SessionControllerDeps> = {}) {
  const session = createSessionController(fakeDeps(timing, extra));
  const seen: SessionTransition[] = [];
  session.onTransition((t, state) => {
    seen.push(t);
    expect(SessionState.safeParse(state).success).toBe(true);
  });
  session.signIn('p_a');
  return { session, seen };
}

describe('session timing from policy', () => {
  it('uses the defaults and clamps out-of-range values', () => {
    expect(standard).toEqual({ idleTimeoutMs: 10 * MIN, maxSessionMs: 12 * HOUR, kiosk: false });
    const wild = sessionTimingFrom({ idleTimeoutMinutes: 500, maxSessionHours: 99, kiosk: false, kioskIdleTimeoutMinutes: 2 });
    expect(wild).toEqual({ idleTimeoutMs: 60 * MIN, maxSessionMs: 12 * HOUR, kiosk: false });
    expect(sessionTimingFrom({ ...DEFAULT_POLICY, kiosk: true }).idleTimeoutMs).toBe(2 * MIN);
    expect(sessionTimingFrom({ ...DEFAULT_POLICY, idleTimeoutMinutes: -5 }).idleTimeoutMs).toBe(0);
  });
});

describe('session idle lock', () => {
  it('warns 30 s before the idle lock with when it comes; input ends the warning, silence locks', () => {
    const start = Date.now();
    const { session } = started();
    const warnings: Array<{ locksAt: number } | null> = [];
    session.onIdleWarning((w) => warnings.push(w));
    vi.advanceTimersByTime(9 * MIN + 29_000);
    expect(warnings).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(warnings).toEqual([{ locksAt: start + 10 * MIN }]);
    // Ticking each second during the countdown does not repeat the warning.
    vi.advanceTimersByTime(10_000);
    expect(warnings).toHaveLength(1);
    session.reportActivity();
    expect(warnings.at(-1)).toBeNull();
    const resumed = Date.now();
    vi.advanceTimersByTime(9 * MIN + 30_000);
    expect(warnings.at(-1)).toEqual({ locksAt: resumed + 10 * MIN });
    expect(session.state().state).toBe('unlocked');
    vi.advanceTimersByTime(30_000);
    expect(session.state()).toMatchObject({ state: 'locked', reason: 'idle' });
    expect(warnings.at(-1)).toBeNull();
  });

  it('gives no warning ahead of an idle limit of a minute or less (it would cover most of it)', () => {
    const { session } = started({ ...standard, idleTimeoutMs: MIN });
    const warnings: Array<{ locksAt: number } | null> = [];
    session.onIdleWarning((w) => warnings.push(w));
    vi.advanceTimersByTime(MIN);
    expect(session.state().state).toBe('locked');
    expect(warnings.filter((w) => w !== null)).toEqual([]);
  });

  it('idle N-1 minutes then input keeps the session; N minutes without input locks it', () => {
    const { session, seen } = started();
    vi.advanceTimersByTime(9 * MIN);
    expect(session.state().state).toBe('unlocked');
    session.reportActivity();
    vi.advanceTimersByTime(9 * MIN);
    expect(session.state().state).toBe('unlocked');
    vi.advanceTimersByTime(1 * MIN);
    expect(session.state()).toMatchObject({ state: 'locked', staffId: 'p_a', reason: 'idle' });
    expect(seen.map((t) => [t.from, t.to, t.reason])).toEqual([
      ['signed-out', 'unlocked', 'sign_in'],
      ['unlocked', 'locked', 'idle'],
    ]);
  });

  it('locks on time even when the renderer never reports anything (frozen renderer)', () => {
    const { session } = started();
    vi.advanceTimersByTime(10 * MIN - 1);
    expect(session.state().state).toBe('unlocked');
    vi.advanceTimersByTime(1);
    expect(session.state().state).toBe('locked');
  });

  it('counts OS input as activity, and OS idleness as idleness', () => {
    let osIdleMs = 0;
    const { session } = started(standard, { osIdle: { idleMs: () => osIdleMs } });
    // The person works in another window: the OS idle counter stays low.
    vi.advanceTimersByTime(10 * MIN);
    expect(session.state().state).toBe('unlocked');
    osIdleMs = 4 * MIN;
    vi.advanceTimersByTime(5 * MIN);
    expect(session.state().state).toBe('unlocked');
    osIdleMs = 10 * MIN;
    vi.advanceTimersByTime(6 * MIN);
    expect(session.state().state).toBe('locked');
  });

  it('survives a failing OS idle source', () => {
    const { session } = started(standard, {
      osIdle: {
        idleMs: () => {
          throw new Error('powerMonitor gone');
        },
      },
    });
    vi.advanceTimersByTime(10 * MIN);
    expect(session.state().state).toBe('locked');
  });

  it('activity while locked does not unlock or extend anything', () => {
    const { session } = started();
    session.lock('button');
    session.reportActivity();
    expect(session.state()).toMatchObject({ state: 'locked', reason: 'button' });
  });

  it('with an idle timeout of 0, losing focus locks at once', () => {
    const immediate = sessionTimingFrom({ ...DEFAULT_POLICY, idleTimeoutMinutes: 0 });
    const { session } = started(immediate);
    session.windowBlurred();
    expect(session.state()).toMatchObject({ state: 'locked', reason: 'idle' });
    const relaxed = started();
    relaxed.session.windowBlurred();
    expect(relaxed.session.state().state).toBe('unlocked');
  });

  it('applies a changed policy on refresh', () => {
    let timing = standard;
    const session = createSessionController({ ...fakeDeps(standard), timing: () => timing });
    session.signIn('p_a');
    vi.advanceTimersByTime(3 * MIN);
    timing = { ...standard, idleTimeoutMs: 2 * MIN };
    session.refresh();
    vi.advanceTimersByTime(1);
    expect(session.state().state).toBe('locked');
  });

  it('kiosk mode signs out (not just locks) on idle, with its shorter timeout', () => {
    const kiosk = sessionTimingFrom({ ...DEFAULT_POLICY, kiosk: true });
    const { session, seen } = started(kiosk);
    vi.advanceTimersByTime(2 * MIN);
    expect(session.state()).toMatchObject({ state: 'signed-out', staffId: null, reason: 'idle', kiosk: true });
    expect(seen.at(-1)).toMatchObject({ from: 'unlocked', to: 'signed-out', reason: 'idle', staffId: 'p_a' });
  });
});

describe('session OS events and limits', () => {
  it.each([
    ['lock-screen', 'os_lock'],
    ['suspend', 'suspend'],
    ['user-switch', 'user_switch'],
  ] as const)('OS %s locks at once', (event, reason) => {
    const { session } = started();
    session.osEvent(event);
    expect(session.state()).toMatchObject({ state: 'locked', reason });
  });

  it('maximum session length forces a full sign-in, even while locked, and a PIN cannot extend it', () => {
    const { session, seen } = started();
    for (let i = 0; i < 11; i++) {
      vi.advanceTimersByTime(HOUR);
      session.reportActivity();
      if (session.state().state === 'locked') session.unlock('p_a', 'pin');
    }
    expect(session.state().state).toBe('unlocked');
    session.lock('button');
    session.unlock('p_a', 'pin');
    vi.advanceTimersByTime(HOUR);
    expect(session.state()).toMatchObject({ state: 'signed-out', reason: 'max_session' });
    expect(seen.at(-1)).toMatchObject({ to: 'signed-out', reason: 'max_session' });
  });

  it('a password unlock restarts the session length; a PIN after it has ended is refused', () => {
    const { session } = started();
    vi.advanceTimersByTime(11 * HOUR);
    session.lock('hotkey');
    session.unlock('p_a', 'password');
    for (let i = 0; i < 24; i++) {
      vi.advanceTimersByTime(5 * MIN);
      session.reportActivity();
    }
    expect(session.state().state).toBe('unlocked');
    expect(session.state().sessionEndsAt).toBe(Date.now() - 2 * HOUR + 12 * HOUR);

    const other = started();
    other.session.lock('button');
    // The timer has not fired yet (e.g. the machine slept), but the clock says the session is over.
    vi.setSystemTime(Date.now() + 13 * HOUR);
    expect(() => other.session.unlock('p_a', 'pin')).toThrow(/password/);
    expect(other.session.state().state).toBe('signed-out');
  });

  it('switch user locks A, and B signing in ends A\'s session first', () => {
    const { session, seen } = started();
    session.switchUser();
    expect(session.state()).toMatchObject({ state: 'locked', staffId: 'p_a', reason: 'user_switch' });
    expect(() => session.unlock('p_b', 'pin')).toThrow();
    session.signIn('p_b');
    expect(session.state()).toMatchObject({ state: 'unlocked', staffId: 'p_b' });
    expect(seen.slice(1).map((t) => [t.staffId, t.from, t.to, t.reason])).toEqual([
      ['p_a', 'unlocked', 'locked', 'user_switch'],
      ['p_a', 'locked', 'signed-out', 'user_switch'],
      ['p_b', 'signed-out', 'unlocked', 'sign_in'],
    ]);
    expect(() => session.signIn('p_a')).toThrow(/Another staff member/);
  });

  it('refuses transitions that make no sense and keeps the state', () => {
    const session = createSessionController(fakeDeps(standard));
    expect(() => session.unlock('p_a', 'pin')).toThrow();
    expect(session.lock('button').state).toBe('signed-out');
    expect(session.signOut('sign_out').state).toBe('signed-out');
    session.signIn('p_a');
    expect(() => session.unlock('p_a', 'pin')).toThrow();
    expect(session.signOut('sign_out')).toMatchObject({ state: 'signed-out', reason: 'sign_out', sessionEndsAt: null });
  });

  it('a listener that throws does not stop the transition or other listeners', () => {
    const session = createSessionController(fakeDeps(standard));
    const heard: string[] = [];
    session.onTransition(() => {
      throw new Error('boom');
    });
    session.onTransition((t) => heard.push(t.to));
    session.signIn('p_a');
    session.lock('remote_lock');
    expect(heard).toEqual(['unlocked', 'locked']);
  });

  it('dispose stops the timers', () => {
    const { session } = started();
    session.dispose();
    vi.advanceTimersByTime(24 * HOUR);
    expect(session.state().state).toBe('unlocked');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('session gate, handlers and audit mapping', () => {
  it('refuses PHI methods unless unlocked', () => {
    const session = createSessionController(fakeDeps(standard));
    const access: Record<string, 'public' | 'phi'> = { 'system.status': 'public', 'conversations.list': 'phi' };
    const gate = createSessionGate(session, (m) => access[m]);
    expect(() => gate.before('system.status')).not.toThrow();
    expect(() => gate.before('conversations.list')).toThrow(expect.objectContaining({ code: 'locked' }));
    expect(() => gate.before('not.in.contract')).toThrow(expect.objectContaining({ code: 'locked' }));
    session.signIn('p_a');
    expect(() => gate.before('conversations.list')).not.toThrow();
    session.lock('idle');
    expect(() => gate.before('conversations.list')).toThrow(expect.objectContaining({ code: 'locked' }));
  });

  it('handlers lock, switch, sign out and take heartbeats', async () => {
    const { session } = started();
    const h = sessionHandlers({ session });
    expect(await h['session.state']({}, ctx)).toMatchObject({ state: 'unlocked' });
    vi.advanceTimersByTime(9 * MIN);
    expect(await h['session.reportActivity']({}, ctx)).toEqual({ state: 'unlocked' });
    vi.advanceTimersByTime(9 * MIN);
    expect(session.state().state).toBe('unlocked');
    expect(await h['session.lockNow']({ via: 'hotkey' }, ctx)).toMatchObject({ state: 'locked', reason: 'hotkey' });
    session.unlock('p_a', 'pin');
    expect(await h['session.switchUser']({}, ctx)).toMatchObject({ state: 'locked', reason: 'user_switch' });
    expect(await h['session.signOut']({}, ctx)).toMatchObject({ state: 'signed-out', staffId: null });
  });

  it('maps every transition to one audit record', () => {
    const at = 1;
    expect(auditEntryFor({ from: 'signed-out', to: 'unlocked', reason: 'sign_in', staffId: 'p_a', at })).toMatchObject({ event: 'auth.sign_in' });
    expect(auditEntryFor({ from: 'locked', to: 'unlocked', reason: 'unlock', staffId: 'p_a', at })).toMatchObject({ event: 'session.unlock' });
    expect(auditEntryFor({ from: 'unlocked', to: 'locked', reason: 'idle', staffId: 'p_a', at })).toEqual({
      event: 'session.lock',
      staffId: 'p_a',
      targets: ['reason:idle'],
    });
    expect(auditEntryFor({ from: 'unlocked', to: 'locked', reason: 'user_switch', staffId: 'p_a', at })).toMatchObject({ event: 'session.switch_user' });
    expect(auditEntryFor({ from: 'locked', to: 'signed-out', reason: 'max_session', staffId: 'p_a', at })).toMatchObject({ event: 'auth.sign_out', targets: ['reason:max_session'] });
  });
});
