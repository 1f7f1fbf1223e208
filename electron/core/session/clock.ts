/** Time as an injected dependency: main uses the system clock, tests a fake one. */
export interface Clock {
  now(): number;
}

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Unreferenced: a pending lock timer never keeps the process alive on its own. */
export const systemTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Node caps timer delays at 2^31-1 ms; longer waits re-arm and re-check the clock. */
export const MAX_TIMER_MS = 2_147_483_647;
