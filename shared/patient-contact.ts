import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/mobile';

/**
 * How a patient can be reached, checked the same way on the desktop form and in the gateway.
 * The "mobile" metadata is used on purpose: a number that cannot receive an SMS (a Spanish
 * landline, a premium number) is refused before anything is sent.
 */

/** The E.164 form of a mobile number ("+12025550123"), or null when it is not a valid mobile number. */
export function toE164Mobile(input: string, defaultCountry?: string): string | null {
  const text = input.trim();
  if (text.length === 0 || text.length > 40) return null;
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode | undefined);
  if (parsed === undefined || !parsed.isValid()) return null;
  return parsed.number;
}

/** True for an already-normalised E.164 mobile number: what the gateway stores and sends to. */
export function isE164Mobile(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value) && toE164Mobile(value) === value;
}

// Deliberately plain: one "@", no spaces or angle brackets (they would let an address smuggle a
// second recipient or a display name into a mail header), a dotted domain, RFC 5321 lengths.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The lower-cased address, or null when it is not a plain e-mail address. */
export function normaliseEmail(input: string): string | null {
  const text = input.trim();
  if (text.length > 254 || !EMAIL.test(text)) return null;
  return text.toLowerCase();
}
