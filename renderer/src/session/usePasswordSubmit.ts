import { useState, type FormEvent } from 'react';
import type { Result } from '../../../shared/contract/index.ts';
import { useRetryCountdown, type UiError } from './errors.ts';

/**
 * State of a form that sends a password to the core: one attempt at a time, none while a
 * rate-limit countdown runs, and the password cleared from memory after every attempt.
 */
export function usePasswordSubmit(
  send: (password: string) => Promise<Result<unknown>>,
  onResult: (ok: boolean) => void,
  initialError: UiError = null,
) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(initialError);
  const wait = useRetryCountdown(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || wait > 0 || password === '') return;
    setBusy(true);
    const result = await send(password);
    setBusy(false);
    setPassword('');
    setError(result.ok ? null : result.error);
    onResult(result.ok);
  };

  return { password, setPassword, busy, error, wait, submit };
}
