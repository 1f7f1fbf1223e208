import type { SessionReason, SessionState, SessionStateName } from '../../../shared/contract/session.ts';
import { CoreError } from '../errors.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { MAX_TIMER_MS, systemClock, systemTimers, type Clock, type TimerHandle, type Timers } from './clock.ts';
import { isAllowedTransition, type SessionTransition } from './transitions.ts';
import { DEFAULT_SESSION_TIMING, IMMEDIATE_FALLBACK_MS, type SessionTiming } from './timing.ts';

/** The OS's own idle time (main adapts powerMonitor.getSystemIdleTime, which counts seconds). */
export interface OsIdleSource {
  idleMs(): number;
}

/** Adapts an "idle seconds" counter (Electron's powerMonitor.getSystemIdleTime) without importing electron here. */
export function osIdleFromSeconds(getSystemIdleSeconds: () => number): OsIdleSource {
  return { idleMs: () => getSystemIdleSeconds() * 1000 };
}

/**
 * OS signals that lock at once. Main maps powerMonitor's 'lock-screen' and 'suspend', and the
 * session switch ('user-did-resign-active' on macOS, a session change on Windows) to 'user-switch'.
 */
export type OsSessionEvent = 'lock-screen' | 'suspend' | 'user-switch';

export interface SessionControllerDeps {
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly osIdle?: OsIdleSource;
  /** Read on every (re)schedule, so a policy change applies without a restart. */
  readonly timing?: () => SessionTiming;
  readonly log?: Logger;
  /**
   * Whether a locked person can come back with their PIN (their quick-unlock window is live). Such a
   * person's session is kept aside while someone else signs in (shared workstation); without it a
   * locked session ends when someone else signs in, as before.
   */
  readonly canResume?: (staffId: string) => boolean;
}

/** A kept-aside (locked, not in front) session ended: its max session passed, or it was wiped. */
export type ParkedEndListener = (staffId: string, reason: 'max_session' | 'wipe' | 'sign_out') => void;

export type TransitionListener = (transition: SessionTransition, state: SessionState) => void;

/** How long before the idle lock the person is warned (with a countdown) that it is coming. */
export const IDLE_WARNING_MS = 30_000;

/** The idle lock is near: when it will happen; null once it is off again (input, lock, sign-out). */
export type IdleWarningListener = (warning: { locksAt: number } | null) => void;

export interface SessionController {
  state(): SessionState;
  onTransition(listener: TransitionListener): () => void;
  /** Told IDLE_WARNING_MS before an idle lock, and when that warning is over. */
  onIdleWarning(listener: IdleWarningListener): () => void;
  /** A full sign-in (password verified by the vault): starts a new maximum-length session. */
  signIn(staffId: string): SessionState;
  /** Unlocks the locked session of the same staff member; 'password' also restarts the session length. */
  unlock(staffId: string, method: 'pin' | 'password'): SessionState;
  lock(reason: Extract<SessionReason, 'idle' | 'os_lock' | 'suspend' | 'user_switch' | 'hotkey' | 'button' | 'remote_lock'>): SessionState;
  signOut(reason: Extract<SessionReason, 'sign_out' | 'idle' | 'max_session' | 'remote_lock' | 'wipe' | 'user_switch'>): SessionState;
  /** Locks and hands over to the profile picker. */
  switchUser(): SessionState;
  /**
   * Shared workstation: whether `staffId` has a locked session on this workstation (in front, or
   * kept aside while someone else used it) that a PIN may unlock.
   */
  isLocked(staffId: string): boolean;
  /** The people whose locked sessions are kept aside (not the one in front). */
  parked(): readonly string[];
  /** Told when a kept-aside session ends (its own maximum session, a wipe); the front never hears of it. */
  onParkedEnd(listener: ParkedEndListener): () => void;
  /** Ends `staffId`'s session wherever it is (in front or kept aside). */
  end(staffId: string, reason: 'wipe' | 'sign_out'): void;
  /** Real input in the renderer (keyboard, pointer, touch). */
  reportActivity(): void;
  /** OS lock screen, suspend and fast user switching lock at once. */
  osEvent(event: OsSessionEvent): void;
  /** Sealwire's window lost focus or was hidden; with an idle timeout of 0 this locks. */
  windowBlurred(): void;
  /** Re-reads the timing (policy changed). */
  refresh(): void;
  dispose(): void;
}

const OS_REASON: Record<OsSessionEvent, 'os_lock' | 'suspend' | 'user_switch'> = {
  'lock-screen': 'os_lock',
  suspend: 'suspend',
  'user-switch': 'user_switch',
};

/**
 * Owns the session state in main. Idle locking and the maximum session length are enforced by
 * main-side timers that re-check the clock when they fire; renderer heartbeats only move the
 * last-activity time, so a frozen or hostile renderer cannot keep a session open.
 */
export function createSessionController(deps: SessionControllerDeps = {}): SessionController {
  const clock = deps.clock ?? systemClock;
  const timers = deps.timers ?? systemTimers;
  const timing = deps.timing ?? (() => DEFAULT_SESSION_TIMING);
  const log = deps.log ?? silentLogger;
  const listeners = new Set<TransitionListener>();
  const warningListeners = new Set<IdleWarningListener>();
  let warnedLocksAt: number | null = null;

  let name: SessionStateName = 'signed-out';
  let staffId: string | null = null;
  let reason: SessionReason | null = null;
  let since = clock.now();
  let sessionStartedAt = 0;
  let lastActivity = 0;
  let idleTimer: TimerHandle | null = null;
  let maxTimer: TimerHandle | null = null;
  let disposed = false;
  /** Locked sessions kept aside on a shared workstation: each keeps its own start (maximum session). */
  const parkedSessions = new Map<string, { startedAt: number; timer: TimerHandle | null }>();
  const parkedListeners = new Set<ParkedEndListener>();

  const current = timing;
  const idleLimit = (t: SessionTiming) => (t.idleTimeoutMs === 0 ? IMMEDIATE_FALLBACK_MS : t.idleTimeoutMs);
  /** Idle time at which the warning shows; none for limits too short to warn ahead of. */
  const warnAfter = (limit: number) => (limit > 2 * IDLE_WARNING_MS ? limit - IDLE_WARNING_MS : limit);

  const warn = (locksAt: number | null) => {
    if (warnedLocksAt === locksAt) return;
    warnedLocksAt = locksAt;
    for (const listener of warningListeners) {
      try {
        listener(locksAt === null ? null : { locksAt });
      } catch (err) {
        log.error('session.listener_failed', { error: err });
      }
    }
  };

  const snapshot = (): SessionState => {
    const t = current();
    return {
      state: name,
      staffId,
      reason,
      since: Math.max(0, since),
      kiosk: t.kiosk,
      idleTimeoutMs: t.idleTimeoutMs,
      sessionEndsAt: name === 'signed-out' ? null : Math.max(0, sessionStartedAt + t.maxSessionMs),
    };
  };

  const clearTimer = (h: TimerHandle | null) => {
    if (h !== null) timers.clearTimeout(h);
  };

  const transition = (to: SessionStateName, why: SessionReason, who: string) => {
    if (!isAllowedTransition(name, to, why)) throw new Error(`session: ${name} -> ${to} (${why}) is not a transition`);
    const from = name;
    name = to;
    reason = why;
    since = clock.now();
    staffId = to === 'signed-out' ? null : who;
    warn(null);
    schedule();
    const change: SessionTransition = { from, to, reason: why, staffId: who, at: since };
    log.info('session.transition', { from, to, reason: why });
    const state = snapshot();
    for (const listener of listeners) {
      try {
        listener(change, state);
      } catch (err) {
        log.error('session.listener_failed', { error: err });
      }
    }
  };

  /** The latest input anywhere: renderer heartbeats and the OS idle counter. */
  const lastInput = (): number => {
    let last = lastActivity;
    if (deps.osIdle !== undefined) {
      try {
        const idle = deps.osIdle.idleMs();
        if (Number.isFinite(idle) && idle >= 0) last = Math.max(last, clock.now() - idle);
      } catch (err) {
        log.warn('session.os_idle_failed', { error: err });
      }
    }
    return last;
  };

  const onIdleTimer = () => {
    idleTimer = null;
    if (disposed || name !== 'unlocked' || staffId === null) return;
    const t = current();
    const limit = idleLimit(t);
    const idleFor = clock.now() - lastInput();
    if (idleFor >= limit) {
      if (t.kiosk) transition('signed-out', 'idle', staffId);
      else transition('locked', 'idle', staffId);
      return;
    }
    const warnAt = warnAfter(limit);
    if (idleFor >= warnAt) {
      warn(clock.now() - idleFor + limit);
      // Look again each second: input the OS saw (not sent as a heartbeat) ends the warning too.
      armIdle(Math.min(1_000, limit - idleFor));
      return;
    }
    warn(null);
    armIdle(warnAt - idleFor);
  };

  const onMaxTimer = () => {
    maxTimer = null;
    if (disposed || name === 'signed-out' || staffId === null) return;
    const endsAt = sessionStartedAt + current().maxSessionMs;
    const left = endsAt - clock.now();
    if (left <= 0) transition('signed-out', 'max_session', staffId);
    else armMax(left);
  };

  const armIdle = (ms: number) => {
    clearTimer(idleTimer);
    idleTimer = timers.setTimeout(onIdleTimer, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms))));
  };
  const armMax = (ms: number) => {
    clearTimer(maxTimer);
    maxTimer = timers.setTimeout(onMaxTimer, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms))));
  };

  function schedule() {
    clearTimer(idleTimer);
    clearTimer(maxTimer);
    idleTimer = null;
    maxTimer = null;
    if (disposed || name === 'signed-out') return;
    const t = current();
    armMax(sessionStartedAt + t.maxSessionMs - clock.now());
    if (name === 'unlocked') armIdle(lastActivity + warnAfter(idleLimit(t)) - clock.now());
  }

  const endParked = (who: string, why: 'max_session' | 'wipe' | 'sign_out') => {
    const kept = parkedSessions.get(who);
    if (kept === undefined) return;
    clearTimer(kept.timer);
    parkedSessions.delete(who);
    log.info('session.parked_ended', { reason: why });
    for (const listener of parkedListeners) {
      try {
        listener(who, why);
      } catch (err) {
        log.error('session.listener_failed', { error: err });
      }
    }
  };

  /** Each kept-aside session's own maximum length, enforced by its own timer. */
  const armParked = (who: string) => {
    const kept = parkedSessions.get(who);
    if (kept === undefined || disposed) return;
    clearTimer(kept.timer);
    kept.timer = null;
    const left = kept.startedAt + current().maxSessionMs - clock.now();
    if (left <= 0) {
      endParked(who, 'max_session');
      return;
    }
    kept.timer = timers.setTimeout(() => armParked(who), Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(left))));
  };

  /**
   * The locked person in front steps aside for someone else: kept (with their own session start)
   * when their PIN can bring them back, otherwise signed out as before. The front is then empty;
   * no transition is told, since the locked person's state has not changed (the lock was audited).
   */
  const stepAside = () => {
    if (name !== 'locked' || staffId === null) return;
    if (!(deps.canResume?.(staffId) ?? false)) {
      transition('signed-out', 'user_switch', staffId);
      return;
    }
    parkedSessions.set(staffId, { startedAt: sessionStartedAt, timer: null });
    armParked(staffId);
    log.info('session.parked', {});
    name = 'signed-out';
    staffId = null;
    since = clock.now();
    schedule();
  };

  /** Brings a kept-aside person to the front, still locked, with their own session start. */
  const bringForward = (who: string) => {
    const kept = parkedSessions.get(who);
    if (kept === undefined || staffId === who) return;
    stepAside();
    clearTimer(kept.timer);
    parkedSessions.delete(who);
    name = 'locked';
    staffId = who;
    sessionStartedAt = kept.startedAt;
    schedule();
  };

  const mustBe = (expected: SessionStateName) => {
    if (name !== expected) throw new CoreError('conflict', 'That is not possible in the current session state.');
  };

  return {
    state: snapshot,
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onIdleWarning(listener) {
      warningListeners.add(listener);
      return () => warningListeners.delete(listener);
    },
    signIn(who) {
      if (name === 'unlocked') {
        if (staffId === who) return snapshot();
        throw new CoreError('conflict', 'Another staff member is signed in. Lock or switch user first.');
      }
      // A full sign-in replaces any kept-aside session of the same person.
      const kept = parkedSessions.get(who);
      if (kept !== undefined) {
        clearTimer(kept.timer);
        parkedSessions.delete(who);
      }
      // Someone else at a locked workstation: the locked person steps aside (kept if their PIN can
      // bring them back, else signed out) before the new session starts.
      if (name === 'locked' && staffId !== null && staffId !== who) stepAside();
      sessionStartedAt = clock.now();
      lastActivity = sessionStartedAt;
      transition('unlocked', name === 'locked' ? 'unlock' : 'sign_in', who);
      return snapshot();
    },
    unlock(who, method) {
      if (name !== 'unlocked' && parkedSessions.has(who)) bringForward(who);
      mustBe('locked');
      if (staffId !== who) throw new CoreError('conflict', 'This session belongs to another staff member.');
      const now = clock.now();
      if (method === 'pin' && now >= sessionStartedAt + current().maxSessionMs) {
        transition('signed-out', 'max_session', who);
        throw new CoreError('unauthorized', 'Please sign in with your password.');
      }
      if (method === 'password') sessionStartedAt = now;
      lastActivity = now;
      transition('unlocked', 'unlock', who);
      return snapshot();
    },
    lock(why) {
      if (name === 'unlocked' && staffId !== null) transition('locked', why, staffId);
      return snapshot();
    },
    signOut(why) {
      if (name !== 'signed-out' && staffId !== null) transition('signed-out', why, staffId);
      return snapshot();
    },
    switchUser() {
      if (name === 'unlocked' && staffId !== null) {
        if (current().kiosk) transition('signed-out', 'user_switch', staffId);
        else transition('locked', 'user_switch', staffId);
      }
      return snapshot();
    },
    isLocked: (who) => (name === 'locked' && staffId === who) || parkedSessions.has(who),
    parked: () => [...parkedSessions.keys()],
    onParkedEnd(listener) {
      parkedListeners.add(listener);
      return () => parkedListeners.delete(listener);
    },
    end(who, why) {
      if (staffId === who && name !== 'signed-out') transition('signed-out', why, who);
      else endParked(who, why);
    },
    reportActivity() {
      if (name !== 'unlocked') return;
      lastActivity = Math.max(lastActivity, clock.now());
      if (warnedLocksAt !== null) {
        warn(null);
        schedule();
      }
    },
    osEvent(event) {
      if (name === 'unlocked' && staffId !== null) transition('locked', OS_REASON[event], staffId);
    },
    windowBlurred() {
      if (name === 'unlocked' && staffId !== null && current().idleTimeoutMs === 0) {
        if (current().kiosk) transition('signed-out', 'idle', staffId);
        else transition('locked', 'idle', staffId);
      }
    },
    refresh: () => {
      schedule();
      for (const who of [...parkedSessions.keys()]) armParked(who);
    },
    dispose() {
      disposed = true;
      for (const kept of parkedSessions.values()) clearTimer(kept.timer);
      parkedSessions.clear();
      parkedListeners.clear();
      clearTimer(idleTimer);
      clearTimer(maxTimer);
      listeners.clear();
      warningListeners.clear();
    },
  };
}
