import { useEffect, useState } from 'react';
import type { IpcError } from '../../../shared/contract/index.ts';

/** A typed failure from main, or null. Main's message is a fixed, PHI-free sentence in plain words. */
export type UiError = IpcError | null;

const initialSeconds = (error: UiError) =>
  error?.code === 'rate_limited' && error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : 0;

/** Seconds left before a rate-limited attempt may be retried; 0 when it may be retried now. */
export function useRetryCountdown(error: UiError): number {
  const [tick, setTick] = useState<{ error: UiError; left: number }>({ error: null, left: 0 });
  useEffect(() => {
    if (initialSeconds(error) === 0 || error?.retryAfterMs === undefined) return;
    const until = Date.now() + error.retryAfterMs;
    const update = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setTick({ error, left });
      if (left === 0) clearInterval(timer);
    };
    const timer = setInterval(update, 250);
    return () => clearInterval(timer);
  }, [error]);
  return tick.error === error ? tick.left : initialSeconds(error);
}
