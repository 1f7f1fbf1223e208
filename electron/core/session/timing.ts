import type { Policy } from '../../../shared/contract/policy.ts';

/** The session-relevant part of the effective policy, in milliseconds. */
export interface SessionTiming {
  /** 0: lock as soon as the window loses focus (and after IMMEDIATE_FALLBACK_MS without input). */
  readonly idleTimeoutMs: number;
  readonly maxSessionMs: number;
  readonly kiosk: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const MAX_IDLE_MS = 60 * MINUTE;
export const MAX_SESSION_MS = 12 * HOUR;
/** With "immediate" locking, a focused window without any input still locks after this long. */
export const IMMEDIATE_FALLBACK_MS = MINUTE;

export const DEFAULT_SESSION_TIMING: SessionTiming = { idleTimeoutMs: 10 * MINUTE, maxSessionMs: 12 * HOUR, kiosk: false };

export type SessionPolicyInput = Pick<Policy, 'idleTimeoutMinutes' | 'maxSessionHours' | 'kiosk' | 'kioskIdleTimeoutMinutes'>;

const clamp = (value: number, min: number, max: number): number =>
  Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : max;

/**
 * Turns policy values into timings, clamped to the allowed ranges whatever the input says
 * (idle 0–60 min, session 1–12 h). Kiosk mode takes the shorter of the two idle timeouts.
 */
export function sessionTimingFrom(policy: SessionPolicyInput): SessionTiming {
  const idle = clamp(policy.idleTimeoutMinutes * MINUTE, 0, MAX_IDLE_MS);
  const kioskIdle = clamp(policy.kioskIdleTimeoutMinutes * MINUTE, 0, MAX_IDLE_MS);
  return {
    idleTimeoutMs: policy.kiosk ? Math.min(idle, kioskIdle) : idle,
    maxSessionMs: clamp(policy.maxSessionHours * HOUR, HOUR, MAX_SESSION_MS),
    kiosk: policy.kiosk,
  };
}
