import { useEffect, useState } from 'react';
import type { IpcError } from '../../../shared/contract/index.ts';

/** A failure said by the renderer itself, already in the UI language (a PIN typed differently twice). */
export interface LocalError {
  readonly code: 'local';
  readonly text: string;
}

/** A typed failure from main (translated by its code, see i18n/error-text.ts), one of our own, or null. */
export type UiError = IpcError | LocalError | null;

export const localError = (text: string): LocalError => ({ code: 'local', text });

const retryAfterOf = (error: UiError): number | undefined => (error !== null && error.code === 'rate_limited' ? error.retryAfterMs : undefined);
const initialSeconds = (error: UiError) => {
  const ms = retryAfterOf(error);
  return ms === undefined ? 0 : Math.ceil(ms / 1000);
};

/** Seconds left before a rate-limited attempt may be retried; 0 when it may be retried now. */
export function useRetryCountdown(error: UiError): number {
  const [tick, setTick] = useState<{ error: UiError; left: number }>({ error: null, left: 0 });
  useEffect(() => {
    const ms = retryAfterOf(error);
    if (ms === undefined || ms === 0) return;
    const until = Date.now() + ms;
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
