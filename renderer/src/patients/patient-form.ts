import { normaliseEmail, toE164Mobile } from '../../../shared/patient-contact.ts';

/**
 * The New patient message form, checked before anything is sent. Errors are i18n keys under
 * `patients.form.errors`; the renderer says them in plain words next to the field.
 */
export interface PatientFormInput {
  readonly name: string;
  readonly phone: string;
  readonly email: string;
  readonly dateOfBirth: string;
  readonly consent: boolean;
  readonly channel: 'sms' | 'email';
  readonly message: string;
}

export type FormProblem =
  | 'nameMissing'
  | 'phoneInvalid'
  | 'emailInvalid'
  | 'contactMissing'
  | 'phoneForSms'
  | 'emailForEmail'
  | 'dobMissing'
  | 'dobInvalid'
  | 'consentMissing'
  | 'messageMissing'
  | 'placeholderLeft';

export type FormErrors = Partial<Record<'name' | 'phone' | 'email' | 'dateOfBirth' | 'consent' | 'message', FormProblem>>;

export interface CheckedForm {
  readonly phone?: string;
  readonly email?: string;
}

/** YYYY-MM-DD that exists, from 1900 up to today. */
export function isDateOfBirth(text: string, now: Date = new Date()): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && at.getTime() <= now.getTime();
}

export function checkPatientForm(input: PatientFormInput, defaultCountry: string, placeholders: readonly string[]): { errors: FormErrors; checked: CheckedForm } {
  const errors: FormErrors = {};
  if (input.name.trim().length === 0) errors.name = 'nameMissing';
  const phone = input.phone.trim() === '' ? undefined : (toE164Mobile(input.phone, defaultCountry) ?? null);
  const email = input.email.trim() === '' ? undefined : (normaliseEmail(input.email) ?? null);
  if (phone === null) errors.phone = 'phoneInvalid';
  if (email === null) errors.email = 'emailInvalid';
  if (phone === undefined && email === undefined) errors.phone = 'contactMissing';
  else if (input.channel === 'sms' && phone === undefined) errors.phone = 'phoneForSms';
  else if (input.channel === 'email' && email === undefined) errors.email = 'emailForEmail';
  if (input.dateOfBirth.trim() === '') errors.dateOfBirth = 'dobMissing';
  else if (!isDateOfBirth(input.dateOfBirth)) errors.dateOfBirth = 'dobInvalid';
  if (!input.consent) errors.consent = 'consentMissing';
  if (input.message.trim().length === 0) errors.message = 'messageMissing';
  else if (placeholders.length > 0) errors.message = 'placeholderLeft';
  return { errors, checked: { ...(phone ? { phone } : {}), ...(email ? { email } : {}) } };
}
