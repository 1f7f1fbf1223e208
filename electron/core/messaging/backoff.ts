/** Exponential backoff with full jitter, so many clients reconnecting after a server restart spread out. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half jitter: never zero (no hot loop), never above the ceiling.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
