import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientConversation } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { checkPatientForm, type FormErrors, type FormProblem } from './patient-form.ts';
import { applyTemplate, unfilled } from './templates.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { usePatientTemplates } from './usePatients.ts';

/** The region of the UI language ("es-ES" → ES), so a local number needs no country code. */
const defaultCountry = (): string => /-([A-Z]{2})$/.exec(navigator.language)?.[1] ?? 'US';

const PROBLEM_TEXT = {
  nameMissing: 'patients.form.errors.nameMissing',
  phoneInvalid: 'patients.form.errors.phoneInvalid',
  emailInvalid: 'patients.form.errors.emailInvalid',
  contactMissing: 'patients.form.errors.contactMissing',
  phoneForSms: 'patients.form.errors.phoneForSms',
  emailForEmail: 'patients.form.errors.emailForEmail',
  dobMissing: 'patients.form.errors.dobMissing',
  dobInvalid: 'patients.form.errors.dobInvalid',
  consentMissing: 'patients.form.errors.consentMissing',
  messageMissing: 'patients.form.errors.messageMissing',
  placeholderLeft: 'patients.form.errors.placeholderLeft',
} as const satisfies Record<FormProblem, string>;

function FieldNote({ id, field, error, hint }: { id: string; field: string; error: FormProblem | undefined; hint?: string }) {
  const { t } = useTranslation();
  if (error === undefined && hint === undefined) return null;
  return (
    <p id={id} className={error ? 'field__note field__note--error' : 'field__note'} data-testid={error ? `patient-${field}-error` : undefined}>
      {error ? t(PROBLEM_TEXT[error]) : hint}
    </p>
  );
}

/** New patient message: who, how to reach them, consent, and the first message. */
export function NewPatientForm({ created, cancel }: { created: (conversation: PatientConversation) => void; cancel: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const id = useId();
  const templates = usePatientTemplates();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [channel, setChannel] = useState<'sms' | 'email'>('sms');
  const [language, setLanguage] = useState<'en' | 'es'>(i18n.language.startsWith('es') ? 'es' : 'en');
  const [consent, setConsent] = useState(false);
  const [consentMethod, setConsentMethod] = useState<'verbal' | 'written' | 'electronic'>('verbal');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<UiError>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { errors: found, checked } = checkPatientForm({ name, phone, email, dateOfBirth, consent, channel, message }, defaultCountry(), unfilled(message));
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`${id}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    const result = await client.call('patients.create', {
      name: name.trim(),
      ...checked,
      dateOfBirth,
      consent: true,
      consentMethod,
      channel,
      language,
      firstMessage: message.trim(),
    });
    setBusy(false);
    if (result.ok) created(result.value.conversation);
    else setFailure(result.error);
  };

  const described = (field: keyof FormErrors) => ({ 'aria-invalid': errors[field] !== undefined, 'aria-describedby': `${id}-${field}-note` });

  return (
    <form className="patients-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-heading`} data-testid="patient-form">
      <h2 id={`${id}-heading`}>{t('patients.form.heading')}</h2>
      <p className="patients-form__intro">{t('patients.form.intro')}</p>
      <div className="patients-form__grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('patients.form.name')}</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="off" autoFocus data-testid="patient-name" {...described('name')} />
          <FieldNote id={`${id}-name-note`} field="name" error={errors.name} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-dateOfBirth`}>{t('patients.form.dateOfBirth')}</label>
          <input id={`${id}-dateOfBirth`} type="date" value={dateOfBirth} onChange={(e) => setDateOfBirth(e.target.value)} min="1900-01-01" autoComplete="off" data-testid="patient-dob" {...described('dateOfBirth')} />
          <FieldNote id={`${id}-dateOfBirth-note`} field="dateOfBirth" error={errors.dateOfBirth} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-phone`}>{t('patients.form.phone')}</label>
          <input id={`${id}-phone`} type="tel" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={40} autoComplete="off" data-testid="patient-phone" {...described('phone')} />
          <FieldNote id={`${id}-phone-note`} field="phone" error={errors.phone} hint={t('patients.form.phoneHint')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('patients.form.email')}</label>
          <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} autoComplete="off" spellCheck={false} data-testid="patient-email" {...described('email')} />
          <FieldNote id={`${id}-email-note`} field="email" error={errors.email} />
        </div>
        <fieldset className="patients-form__choice">
          <legend>{t('patients.form.channel')}</legend>
          <label>
            <input type="radio" name={`${id}-channel`} checked={channel === 'sms'} onChange={() => setChannel('sms')} data-testid="patient-channel-sms" />
            {t('patients.form.channelSms')}
          </label>
          <label>
            <input type="radio" name={`${id}-channel`} checked={channel === 'email'} onChange={() => setChannel('email')} data-testid="patient-channel-email" />
            {t('patients.form.channelEmail')}
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-language`}>{t('patients.form.language')}</label>
          <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.target.value === 'es' ? 'es' : 'en')} data-testid="patient-language">
            <option value="en">English</option>
            <option value="es">Español</option>
          </select>
        </div>
      </div>
      <div className="patients-form__consent">
        <label className="patients-form__check">
          <input id={`${id}-consent`} type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="patient-consent" {...described('consent')} />
          {t('patients.form.consent')}
        </label>
        <div className="field">
          <label htmlFor={`${id}-method`}>{t('patients.form.consentMethod')}</label>
          <select id={`${id}-method`} value={consentMethod} onChange={(e) => setConsentMethod(e.target.value as typeof consentMethod)} disabled={!consent}>
            <option value="verbal">{t('patients.form.consentVerbal')}</option>
            <option value="written">{t('patients.form.consentWritten')}</option>
            <option value="electronic">{t('patients.form.consentElectronic')}</option>
          </select>
        </div>
        <FieldNote id={`${id}-consent-note`} field="consent" error={errors.consent} />
      </div>
      <div className="field">
        <div className="patients-form__message-head">
          <label htmlFor={`${id}-message`}>{t('patients.form.message')}</label>
          <TemplatePicker templates={templates} language={language} onPick={(x) => setMessage(applyTemplate(x.text, { name }))} />
        </div>
        <textarea id={`${id}-message`} rows={4} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={4000} data-testid="patient-message" {...described('message')} />
        <FieldNote id={`${id}-message-note`} field="message" error={errors.message} />
      </div>
      <FormError error={failure} secondsLeft={0} testId="patient-form-error" />
      <div className="patients-form__actions">
        <Button type="submit" variant="primary" disabled={busy} data-testid="patient-submit">
          {busy ? t('patients.form.sending') : t('patients.form.submit')}
        </Button>
        <Button onClick={cancel}>{t('patients.form.cancel')}</Button>
      </div>
    </form>
  );
}
