import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary, SignInConfig } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { Field } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { useRetryCountdown, type UiError } from '../session/errors.ts';
import './auth.css';

interface Props {
  config: SignInConfig;
  /** Called before the call starts, so a session.changed arriving first does not skip the PIN step. */
  starting: () => void;
  done: (profile: ProfileSummary) => void;
  failed: () => void;
  cancel: (() => void) | null;
}

/** A staff member's first sign-in on this workstation: checked against the organisation's server. */
export function FirstSignIn({ config, starting, done, failed, cancel }: Props) {
  const client = useClient();
  const { t } = useTranslation();
  const id = useId();
  const [server, setServer] = useState(config.server ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const wait = useRetryCountdown(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || wait > 0) return;
    setBusy(true);
    setError(null);
    starting();
    const result = await client.call('account.firstSignIn', {
      server: config.serverManaged && config.server !== null ? config.server : server.trim(),
      username: username.trim(),
      password,
      displayName: displayName.trim(),
    });
    setBusy(false);
    if (result.ok) {
      setPassword('');
      done(result.value.profile);
    } else {
      setError(result.error);
      failed();
    }
  };

  return (
    <section className="auth-screen" aria-labelledby={`${id}-heading`} data-testid="first-sign-in">
      <div className="auth-screen__header">
        <h1 id={`${id}-heading`}>{t('firstSignIn.heading')}</h1>
        {config.wipedByOrganisation ? (
          <p className="auth-screen__intro" role="status" data-testid="wiped-by-organisation">
            {t('firstSignIn.wipedByOrganisation')}
          </p>
        ) : null}
        <p className="auth-screen__intro">{t('firstSignIn.intro')}</p>
      </div>
      <form className="auth-form auth-form--pairs" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <Field
          id={`${id}-server`}
          label={t('firstSignIn.server')}
          value={config.serverManaged ? (config.server ?? '') : server}
          onChange={(e) => setServer(e.target.value)}
          readOnly={config.serverManaged}
          required
          maxLength={253}
          autoComplete="off"
          spellCheck={false}
          data-testid="sign-in-server"
          note={
            config.serverManaged ? (
              <>
                <Icon name="lock" />
                {t('firstSignIn.serverManaged')}
              </>
            ) : (
              t('firstSignIn.serverHint')
            )
          }
        />
        <Field
          id={`${id}-username`}
          label={t('firstSignIn.username')}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          maxLength={1023}
          autoComplete="username"
          spellCheck={false}
          autoCapitalize="none"
          data-testid="sign-in-username"
        />
        <Field
          id={`${id}-password`}
          label={t('firstSignIn.password')}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          maxLength={1024}
          autoComplete="current-password"
          data-testid="sign-in-password"
        />
        <Field
          id={`${id}-name`}
          label={t('firstSignIn.displayName')}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          required
          maxLength={64}
          autoComplete="name"
          note={t('firstSignIn.displayNameHint')}
          data-testid="sign-in-display-name"
        />
        <FormError error={error} secondsLeft={wait} />
        <div className="auth-form__actions">
          <Button type="submit" variant="primary" disabled={busy || wait > 0} data-testid="sign-in-submit">
            {busy ? t('firstSignIn.checking') : t('firstSignIn.submit')}
          </Button>
          {cancel ? (
            <Button onClick={cancel} disabled={busy}>
              {t('common.back')}
            </Button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
