import { CoreError } from '../errors.ts';
import { isDamage } from '../sqlite/encrypted-db.ts';

export const DAMAGED = 'The message store on this computer is damaged and cannot be read.';
export const WRONG_KEY = 'The password is not correct.';
export const TOO_NEW = 'This message store was written by a newer version of Sealwire. Update Sealwire to open it.';
export const NOT_FOUND = 'The message store was not found.';

/** Maps damage to the typed error; everything else passes through (and becomes 'internal' at IPC). */
export function mapStoreError(err: unknown): unknown {
  if (err instanceof CoreError) return err;
  if (isDamage(err)) return new CoreError('damaged_store', DAMAGED, { cause: err });
  return err;
}

export const CLOSED = 'Sealwire is locked. Sign in to continue.';

/**
 * Wraps every function property so SQLite damage surfaces as CoreError('damaged_store'), and a
 * call after close (a component still holding the store after a lock) as CoreError('locked').
 */
export function guardMethods<T extends object>(target: T, isOpen: () => boolean, exempt: readonly string[] = []): T {
  for (const name of Object.keys(target) as (keyof T)[]) {
    const value = target[name];
    if (typeof value !== 'function') continue;
    const fn = value as (...args: unknown[]) => unknown;
    const always = exempt.includes(String(name));
    (target as Record<keyof T, unknown>)[name] = (...args: unknown[]) => {
      if (!always && !isOpen()) throw new CoreError('locked', CLOSED);
      try {
        const out = fn.apply(target, args);
        if (out instanceof Promise) return out.catch((err: unknown) => Promise.reject(mapStoreError(err)));
        return out;
      } catch (err) {
        throw mapStoreError(err);
      }
    };
  }
  return target;
}
