import { useEffect, useState } from 'react';
import type { IpcError } from '../../../shared/contract/index.ts';

/** A typed failure from main, or null. Main's message is a fixed, PHI-free sentence in plain words. */
export type UiError = IpcError | null;

/** Seconds left before a rate-limited attempt may be retried; 0 when it may be retried now. */
export function useRetryCountdown(error: UiError): number {
  const [now, setNow] = useState(() => Date.now());
  const [until, setUntil] = useState(0);
  const [seen, setSeen] = useState<UiError>(null);
  if (error !== seen) {
    setSeen(error);
    setUntil(error?.code === 'rate_limited' && error.retryAfterMs !== undefined ? Date.now() + error.retryAfterMs : 0);
    setNow(Date.now());
  }
  useEffect(() => {
    if (until <= now) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [until, now]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}
