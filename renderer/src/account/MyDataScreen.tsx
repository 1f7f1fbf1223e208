import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { discardPhi } from '../session/discard.ts';
import { usePasswordSubmit } from '../session/usePasswordSubmit.ts';
import { QuickUnlockPin } from './QuickUnlockPin.tsx';
import './my-data.css';

/** Removing one's own data from this workstation: the password proves it is the owner's choice. */
export function MyDataScreen({ profile }: { profile: ProfileSummary | null }) {
  const client = useClient();
  const { t } = useTranslation();
  const id = useId();
  const { password, setPassword, busy, error, wait, submit } = usePasswordSubmit(
    (secret) => client.call('profiles.wipe', { profileId: profile?.id ?? '', password: secret }),
    // The session ends with the wipe; session.changed normally reloads first.
    (ok) => ok && discardPhi(),
  );

  return (
    <section className="my-data" aria-labelledby={`${id}-heading`} data-testid="my-data">
      <div className="my-data__header">
        <h1 id={`${id}-heading`}>{t('myData.heading')}</h1>
        <p className="my-data__intro">{t('myData.intro')}</p>
      </div>
      {profile !== null ? <QuickUnlockPin hasPin={profile.hasPin} /> : null}
      <form className="my-data__danger" onSubmit={(e) => void submit(e)}>
        <h2>{t('myData.wipeHeading')}</h2>
        <p>{t('myData.wipeBody')}</p>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('myData.password')}</label>
          <input
            id={`${id}-password`}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            maxLength={1024}
            autoComplete="current-password"
            required
            data-testid="wipe-password"
          />
        </div>
        <FormError error={error} secondsLeft={wait} testId="wipe-error" />
        <div>
          <Button type="submit" className="button--danger" disabled={busy || wait > 0 || profile === null} data-testid="wipe-submit">
            {busy ? t('myData.wiping') : t('myData.wipe')}
          </Button>
        </div>
      </form>
    </section>
  );
}
