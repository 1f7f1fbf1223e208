import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY } from '../../shared/contract/policy.ts';
import { IDLE_WARNING_MS, createSessionController } from '../../electron/core/session/controller.ts';
import { sessionTimingFrom } from '../../electron/core/session/timing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const timing = sessionTimingFrom(DEFAULT_POLICY);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-22T08:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function controller(canResume: (id: string) => boolean) {
  return createSessionController({
    clock: { now: () => Date.now() },
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    timing: () => timing,
    canResume,
  });
}

describe('shared workstation rules in the session controller', () => {
  it('keeps a locked person with a PIN aside, warns the switched-in person before their own idle lock, and ends each session at its own maximum', () => {
    const session = controller(() => true);
    const ended: string[] = [];
    session.onParkedEnd((id, reason) => ended.push(`${id}:${reason}`));
    session.signIn('a');
    session.switchUser();
    vi.advanceTimersByTime(2 * HOUR);
    session.signIn('b');
    expect(session.parked()).toEqual(['a']);
    expect(session.isLocked('a')).toBe(true);
    session.switchUser();
    session.unlock('a', 'pin');
    expect(session.state()).toMatchObject({ state: 'unlocked', staffId: 'a' });
    expect(session.parked()).toEqual(['b']);

    // The idle warning works for the person switched in.
    const warnings: Array<number | null> = [];
    session.onIdleWarning((w) => warnings.push(w?.locksAt ?? null));
    vi.advanceTimersByTime(timing.idleTimeoutMs - IDLE_WARNING_MS + 1);
    expect(warnings.at(-1)).toBe(Date.now() - 1 + IDLE_WARNING_MS);
    session.reportActivity();
    expect(warnings.at(-1)).toBeNull();

    // A's own maximum session (started first) ends A in front; B, kept aside, ends 2 h later.
    session.lock('button');
    vi.advanceTimersByTime(10 * HOUR);
    expect(session.state()).toMatchObject({ state: 'signed-out', reason: 'max_session' });
    expect(ended).toEqual([]);
    vi.advanceTimersByTime(2 * HOUR);
    expect(ended).toEqual(['b:max_session']);
    expect(session.parked()).toEqual([]);
    session.dispose();
  });

  it('signs the locked person out when they have no PIN to come back with, and refuses a second unlocked person', () => {
    const session = controller(() => false);
    session.signIn('a');
    expect(() => session.signIn('b')).toThrow(/Another staff member/);
    session.switchUser();
    session.signIn('b');
    expect(session.parked()).toEqual([]);
    expect(session.isLocked('a')).toBe(false);
    session.dispose();
  });
});
