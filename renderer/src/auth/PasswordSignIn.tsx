import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { usePasswordSubmit } from '../session/usePasswordSubmit.ts';
import './auth.css';

interface Props {
  profile: ProfileSummary;
  done: () => void;
  /** A message to show before the first attempt (e.g. the PIN slot was destroyed). */
  notice?: UiError;
  submitLabel?: string;
  testId?: string;
}

/** The full sign-in with the profile's password (also unlocks a locked session of the same person). */
export function PasswordForm({ profile, done, notice = null, submitLabel, testId = 'password-form' }: Props) {
  const client = useClient();
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { password, setPassword, busy, error, wait, submit } = usePasswordSubmit(
    (secret) => client.call('profiles.open', { profileId: profile.id, password: secret }),
    (ok) => (ok ? done() : input.current?.focus()),
    notice,
  );
  useEffect(() => input.current?.focus(), []);

  return (
    <form className="auth-form" onSubmit={(e) => void submit(e)} aria-busy={busy} data-testid={testId}>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('signIn.password')}</label>
        <input
          ref={input}
          id={`${id}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          maxLength={1024}
          autoComplete="current-password"
          required
          data-testid="password-field"
        />
      </div>
      <FormError error={error} secondsLeft={wait} />
      <div className="auth-form__actions">
        <Button type="submit" variant="primary" disabled={busy || wait > 0} data-testid="password-submit">
          {busy ? t('signIn.checking') : (submitLabel ?? t('signIn.submit'))}
        </Button>
      </div>
    </form>
  );
}

export function PasswordSignIn({ profile, done, back }: { profile: ProfileSummary; done: () => void; back: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="auth-screen" aria-labelledby="password-heading" data-testid="password-sign-in">
      <div className="auth-screen__header">
        <h1 id="password-heading">{t('signIn.heading', { name: profile.displayName })}</h1>
        <p className="auth-screen__intro">{t('signIn.intro')}</p>
      </div>
      <PasswordForm profile={profile} done={done} />
      <div>
        <Button onClick={back}>{t('signIn.otherPerson')}</Button>
      </div>
    </section>
  );
}
