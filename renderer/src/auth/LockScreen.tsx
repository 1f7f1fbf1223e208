import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary, SessionState } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { Logo } from '../components/Logo.tsx';
import { useRetryCountdown, type UiError } from '../session/errors.ts';
import { PasswordForm } from './PasswordSignIn.tsx';
import { PinPad } from './PinPad.tsx';
import './lock-screen.css';

interface Props {
  session: SessionState;
  /** The locked profile (null if it vanished, e.g. wiped remotely). */
  profile: ProfileSummary | null;
  unlocked: () => void;
  switchUser: () => void;
  /** The PIN slot was destroyed: the profile list must be asked again. */
  pinGone: () => void;
}

const REASONS = ['idle', 'os_lock', 'suspend', 'hotkey', 'button', 'remote_lock', 'max_session'] as const;
type WordedReason = (typeof REASONS)[number];
const isWorded = (r: SessionState['reason']): r is WordedReason => (REASONS as readonly (string | null)[]).includes(r);

/**
 * The whole window while a session is locked: nothing behind it (the page was reloaded on lock,
 * so no PHI is in the DOM or in memory), only who it belongs to and how to get back in.
 */
export function LockScreen({ session, profile, unlocked, switchUser, pinGone }: Props) {
  const client = useClient();
  const { t } = useTranslation();
  const [usePassword, setUsePassword] = useState(false);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError>(null);
  const [passwordNotice, setPasswordNotice] = useState<UiError>(null);
  // Known at once from the answer; the profile list catches up a moment later.
  const [pinDead, setPinDead] = useState(false);
  const wait = useRetryCountdown(error);
  const hasPin = profile !== null && profile.hasPin && !pinDead;
  const pinMode = hasPin && !usePassword;

  const unlockWithPin = async () => {
    if (profile === null) return;
    setBusy(true);
    const result = await client.call('profiles.unlockWithPin', { profileId: profile.id, pin });
    setBusy(false);
    setPin('');
    if (result.ok) {
      unlocked();
      return;
    }
    if (result.error.code === 'pin_locked_out' || result.error.code === 'unauthorized') {
      // The PIN can no longer unlock (destroyed after too many tries, or the session grew too old).
      setPasswordNotice(result.error);
      setPinDead(true);
      setUsePassword(true);
      setError(null);
      pinGone();
      return;
    }
    setError(result.error);
  };

  return (
    <div className="lock-screen" data-testid="lock-screen">
      <header className="lock-screen__brand">
        <Logo />
        <span>{t('app.name')}</span>
      </header>
      <main className="lock-screen__main" id="main">
        <section className="lock-screen__card" aria-labelledby="lock-heading">
          <div className="lock-screen__about">
            <div className="lock-screen__icon" aria-hidden="true">
              <Icon name="lock" />
            </div>
            <h1 id="lock-heading">{t('lock.heading')}</h1>
            <p className="lock-screen__who" data-testid="lock-who">
              {profile ? t('lock.who', { name: profile.displayName }) : t('lock.whoUnknown')}
            </p>
            {isWorded(session.reason) ? <p className="lock-screen__reason">{t(`lock.reason.${session.reason}`)}</p> : null}
            <div className="lock-screen__actions">
              {pinMode ? (
                <Button onClick={() => setUsePassword(true)} data-testid="use-password">
                  {t('lock.usePassword')}
                </Button>
              ) : hasPin ? (
                <Button onClick={() => setUsePassword(false)} data-testid="use-pin">
                  {t('lock.usePin')}
                </Button>
              ) : null}
              <Button onClick={switchUser} data-testid="lock-switch-user">
                <Icon name="users" />
                {t('lock.switchUser')}
              </Button>
            </div>
          </div>
          <div className="lock-screen__entry">
            {profile === null ? null : pinMode ? (
              <>
                <FormError error={error} secondsLeft={wait} />
                <PinPad
                  id="unlock-pin"
                  label={t('lock.enterPin')}
                  value={pin}
                  onChange={setPin}
                  onSubmit={() => void unlockWithPin()}
                  submitLabel={t('lock.unlock')}
                  disabled={busy || wait > 0}
                />
              </>
            ) : (
              <PasswordForm
                key="password"
               
                profile={profile}
                done={unlocked}
                notice={passwordNotice}
                submitLabel={t('lock.unlock')}
                testId="unlock-password"
              />
            )}
          </div>
        </section>
      </main>
    </div>
  );
}
