import { z } from 'zod';
import { defineMethod } from './define.ts';

export const SessionStateName = z.enum(['signed-out', 'unlocked', 'locked']);
export type SessionStateName = z.infer<typeof SessionStateName>;

/** Why the last transition happened; the lock screen words it, the audit trail records it. */
export const SessionReason = z.enum([
  'sign_in',
  'unlock',
  'idle',
  'os_lock',
  'suspend',
  'user_switch',
  'hotkey',
  'button',
  'max_session',
  'remote_lock',
  'sign_out',
  'wipe',
]);
export type SessionReason = z.infer<typeof SessionReason>;

/** What the renderer may know about the session: no PHI, only an opaque profile id. */
export const SessionState = z.strictObject({
  state: SessionStateName,
  /** The profile the session belongs to (also while locked); null when signed out. */
  staffId: z.string().max(128).nullable(),
  reason: SessionReason.nullable(),
  since: z.number().int().nonnegative(),
  kiosk: z.boolean(),
  /** The idle timeout in force; 0 means "lock as soon as the window loses focus". */
  idleTimeoutMs: z.number().int().nonnegative(),
  /** When a full sign-in will be required again; null when signed out. */
  sessionEndsAt: z.number().int().nonnegative().nullable(),
});
export type SessionState = z.infer<typeof SessionState>;

export const sessionMethods = {
  'session.state': defineMethod({ request: z.strictObject({}), response: SessionState, access: 'public', audit: null }),
  /** The "lock now" button and the lock hotkey (the transition itself is audited by the session layer). */
  'session.lockNow': defineMethod({
    request: z.strictObject({ via: z.enum(['button', 'hotkey']).default('button') }),
    response: SessionState,
    access: 'public',
    audit: null,
  }),
  /** Renderer input heartbeat, sent at most every few seconds while the user types, clicks or touches. */
  'session.reportActivity': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({ state: SessionStateName }),
    access: 'public',
    audit: null,
  }),
  /** Locks the current profile and shows the profile picker. */
  'session.switchUser': defineMethod({ request: z.strictObject({}), response: SessionState, access: 'public', audit: null }),
  'session.signOut': defineMethod({ request: z.strictObject({}), response: SessionState, access: 'public', audit: null }),
};

export const sessionEvents = {
  'session.changed': SessionState,
  /** The idle lock is 30 s away (locksAt), or no longer (null): the renderer shows a countdown. */
  'session.idleWarning': z.strictObject({ locksAt: z.number().int().nonnegative().nullable() }),
};

/** How often the renderer may send an activity heartbeat; main ignores nothing, but there is no need for more. */
export const ACTIVITY_HEARTBEAT_MS = 5_000;
