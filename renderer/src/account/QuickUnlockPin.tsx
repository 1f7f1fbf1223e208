import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { PIN_MAX, PIN_MIN } from '../auth/PinPad.tsx';
import { Button } from '../components/Button.tsx';
import { Field } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import { isTrivialPin } from '../../../shared/pin-rules.ts';
import { localError, useRetryCountdown, type UiError } from '../session/errors.ts';

const digitsOnly = (value: string) => value.replace(/\D/g, '').slice(0, PIN_MAX);

/**
 * Set or replace the quick-unlock PIN after a full sign-in. Trivial PINs are refused at once (the
 * same rule main applies); main says how long it will work. The PIN itself never stays in state after a try.
 */
export function QuickUnlockPin({ hasPin }: { hasPin: boolean }) {
  const client = useClient();
  const { t, i18n } = useTranslation();
  const id = useId();
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [expiresAt, setExpiresAt] = useState<number | null>(null);
  const wait = useRetryCountdown(error);
  const ready = pin.length >= PIN_MIN && again.length >= PIN_MIN && !busy && wait === 0;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    // A trivial PIN is refused here at once, in our words; main checks again with the same rule.
    if (isTrivialPin(pin)) {
      setPin('');
      setAgain('');
      setError(localError(t('quickPin.trivial')));
      return;
    }
    if (pin !== again) {
      setAgain('');
      setError(localError(t('quickPin.mismatch')));
      return;
    }
    setBusy(true);
    setExpiresAt(null);
    const result = await client.call('profiles.setPin', { pin });
    setBusy(false);
    setPin('');
    setAgain('');
    if (result.ok) {
      setError(null);
      setExpiresAt(result.value.expiresAt);
    } else setError(result.error);
  };

  const status = expiresAt !== null ? null : hasPin ? t('quickPin.hasPin') : t('quickPin.noPin');
  return (
    <form className="my-data__card" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`} data-testid="quick-pin">
      <h2 id={`${id}-heading`}>{t('quickPin.heading')}</h2>
      <p>{t('quickPin.body')}</p>
      {status !== null ? (
        <p className="my-data__status" data-testid="quick-pin-status">
          {status}
        </p>
      ) : null}
      <div className="my-data__pin-fields">
        <Field
          id={`${id}-pin`}
          label={t('quickPin.pin')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={PIN_MAX}
          value={pin}
          onChange={(e) => setPin(digitsOnly(e.target.value))}
          note={t('quickPin.rule', { min: PIN_MIN, max: PIN_MAX })}
          data-testid="quick-pin-field"
        />
        <Field
          id={`${id}-again`}
          label={t('quickPin.again')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={PIN_MAX}
          value={again}
          onChange={(e) => setAgain(digitsOnly(e.target.value))}
          data-testid="quick-pin-again"
        />
      </div>
      <FormError error={error} secondsLeft={wait} testId="quick-pin-error" />
      {expiresAt !== null ? (
        <p className="my-data__success" role="status" data-testid="quick-pin-saved">
          {t('quickPin.saved', { when: new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' }).format(expiresAt) })}
        </p>
      ) : null}
      <div>
        <Button type="submit" variant="primary" disabled={!ready} data-testid="quick-pin-submit">
          {busy ? t('quickPin.saving') : hasPin || expiresAt !== null ? t('quickPin.replace') : t('quickPin.save')}
        </Button>
      </div>
    </form>
  );
}
