import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { Field } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import { StatusPill, type Tone } from '../components/StatusPill.tsx';
import { usePasswordSubmit } from '../session/usePasswordSubmit.ts';
import './connection-banner.css';

const TONE: Record<ConnectionState, Tone> = {
  offline: 'warn',
  connecting: 'neutral',
  online: 'ok',
  reconnecting: 'neutral',
  auth_failed: 'danger',
  cert_failed: 'danger',
  insecure_server: 'danger',
};

export function MessagingPill({ state, failed }: { state: ConnectionState | null; failed: boolean }) {
  const { t } = useTranslation();
  if (failed) return <StatusPill tone="danger" label={t('messaging.state.unavailable')} testId="topbar-messaging" />;
  if (state === null) return <StatusPill tone="neutral" label={t('messaging.state.connecting')} testId="topbar-messaging" />;
  return <StatusPill tone={TONE[state]} label={t(`messaging.state.${state}`)} testId="topbar-messaging" />;
}

/** The stopped states need a person: said in plain words, with the one thing that fixes it. */
export function ConnectionBanner({ state, fixed }: { state: ConnectionState | null; fixed: () => void }) {
  const { t } = useTranslation();
  if (state === 'auth_failed') return <PasswordChanged fixed={fixed} />;
  if (state === 'cert_failed' || state === 'insecure_server') {
    return (
      <div className="connection-banner" role="alert" data-testid="connection-banner" data-state={state}>
        <h2>{t(`messaging.banner.${state}.title`)}</h2>
        <p>{t(`messaging.banner.${state}.body`)}</p>
      </div>
    );
  }
  return null;
}

function PasswordChanged({ fixed }: { fixed: () => void }) {
  const client = useClient();
  const { t } = useTranslation();
  const id = useId();
  // Optional: with it, the password that unlocks Sealwire changes to the new one too.
  const [current, setCurrent] = useState('');
  const { password, setPassword, busy, error, wait, submit } = usePasswordSubmit(
    (secret) => {
      const request = current === '' ? { newPassword: secret } : { newPassword: secret, currentPassword: current };
      setCurrent('');
      return client.call('account.updatePassword', request);
    },
    (ok) => ok && fixed(),
  );
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner" data-state="auth_failed">
      <h2>{t('messaging.banner.auth_failed.title')}</h2>
      <p>{t('messaging.banner.auth_failed.body')}</p>
      <form className="connection-banner__form" onSubmit={(e) => void submit(e)}>
        <Field
          id={`${id}-pw`}
          label={t('messaging.banner.auth_failed.field')}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          maxLength={1024}
          autoComplete="new-password"
          data-testid="update-password-field"
        />
        <Field
          id={`${id}-current`}
          label={t('messaging.banner.auth_failed.current')}
          type="password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          maxLength={1024}
          autoComplete="current-password"
          data-testid="update-password-current"
        />
        <Button type="submit" variant="primary" disabled={busy || wait > 0} data-testid="update-password-submit">
          {t('messaging.banner.auth_failed.submit')}
        </Button>
      </form>
      <FormError error={error} secondsLeft={wait} testId="update-password-error" />
    </div>
  );
}
