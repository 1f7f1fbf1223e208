import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { Field } from '../components/Field.tsx';
import { FormError } from '../components/FormError.tsx';
import type { UiError } from '../session/errors.ts';
import { RemoteCommand } from './RemoteCommand.tsx';
import './admin.css';

/**
 * The admin console, offered to the admin role beside the compliance evidence export. Entering
 * takes the password again (core checks it and keeps the console open for a limited time); the
 * console closes here when that time ends, and core refuses its calls after it or after a lock.
 */
export function AdminConsole() {
  const client = useClient();
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [openUntil, setOpenUntil] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);

  useEffect(() => {
    if (openUntil === null) return;
    const timer = setTimeout(() => setOpenUntil(null), Math.max(0, openUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [openUntil]);

  const enter = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await client.call('admin.enter', { password });
    setBusy(false);
    setPassword('');
    if (!result.ok) return setError(result.error);
    setOpenUntil(result.value.openUntil);
  };

  return (
    <section className="admin" aria-labelledby="admin-heading" data-testid="admin-console">
      <h2 id="admin-heading">{t('admin.heading')}</h2>
      {openUntil === null ? (
        <form className="admin__enter" onSubmit={(e) => void enter(e)}>
          <p>{t('admin.enterIntro')}</p>
          <Field
            id="admin-password"
            label={t('admin.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            data-testid="admin-password"
          />
          <Button variant="primary" type="submit" disabled={busy || password === ''} data-testid="admin-enter">
            {busy ? t('common.loading') : t('admin.enter')}
          </Button>
          <FormError error={error} secondsLeft={0} testId="admin-enter-error" />
        </form>
      ) : (
        <>
          <div className="admin__open">
            <p role="status">{t('admin.openUntil', { time: new Date(openUntil).toLocaleTimeString() })}</p>
            <Button onClick={() => setOpenUntil(null)} data-testid="admin-close">
              {t('admin.close')}
            </Button>
          </div>
          <RemoteCommand />
        </>
      )}
    </section>
  );
}
