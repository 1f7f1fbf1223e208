/** Password and PIN rules. Pure, so the same checks can be unit-tested and later tightened by policy. */

import { isTrivialPin } from '../../../shared/pin-rules.ts';

/** True for PINs anyone would guess first (the renderer applies the same rule as the PIN is typed). */
export { isTrivialPin };

export const PASSWORD_MIN_CHARS = 10;
export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;

export type SecretVerdict = { ok: true } | { ok: false; reason: string; tooShortFor?: number };

const chars = (s: string): number => [...s.normalize('NFC')].length;

export function checkPassword(password: string, minChars = PASSWORD_MIN_CHARS): SecretVerdict {
  if (chars(password) < minChars) return { ok: false, reason: `Choose a password of at least ${minChars} characters.` };
  if (password.trim().length === 0) return { ok: false, reason: 'A password cannot be only spaces.' };
  if (new Set(password).size === 1) return { ok: false, reason: 'A password cannot repeat one character.' };
  return { ok: true };
}

/** `minDigits` is policy `minPinLength`; it only ever raises the built-in minimum. */
export function checkPin(pin: string, minDigits = PIN_MIN_DIGITS): SecretVerdict {
  const min = Math.min(Math.max(minDigits, PIN_MIN_DIGITS), PIN_MAX_DIGITS);
  if (!/^\d+$/.test(pin)) return { ok: false, reason: 'A PIN is digits only.' };
  if (pin.length < min) return { ok: false, reason: `Choose a PIN of at least ${min} digits.`, tooShortFor: min };
  if (pin.length > PIN_MAX_DIGITS) return { ok: false, reason: `Choose a PIN of ${min} to ${PIN_MAX_DIGITS} digits.` };
  if (isTrivialPin(pin)) return { ok: false, reason: 'That PIN is too easy to guess. Avoid repeated digits and runs like 123456.' };
  return { ok: true };
}
