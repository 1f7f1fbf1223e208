import type { SessionReason, SessionStateName } from '../../../shared/contract/session.ts';

/** One state change, as listeners (audit, store, renderer) hear about it. */
export interface SessionTransition {
  readonly from: SessionStateName;
  readonly to: SessionStateName;
  readonly reason: SessionReason;
  /** The profile whose session changed. */
  readonly staffId: string;
  readonly at: number;
}

/** Which reasons may drive which transitions; anything else is a programming error. */
const ALLOWED: Record<SessionStateName, Partial<Record<SessionStateName, readonly SessionReason[]>>> = {
  'signed-out': { unlocked: ['sign_in'] },
  unlocked: {
    locked: ['idle', 'os_lock', 'suspend', 'user_switch', 'hotkey', 'button', 'remote_lock'],
    'signed-out': ['sign_out', 'idle', 'max_session', 'remote_lock', 'wipe', 'user_switch'],
  },
  locked: {
    unlocked: ['unlock', 'sign_in'],
    'signed-out': ['sign_out', 'max_session', 'remote_lock', 'wipe', 'user_switch'],
  },
};

export function isAllowedTransition(from: SessionStateName, to: SessionStateName, reason: SessionReason): boolean {
  return ALLOWED[from][to]?.includes(reason) ?? false;
}
