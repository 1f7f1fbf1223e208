import { useTranslation } from 'react-i18next';
import type { ProfileSummary, VaultProtection } from '../../../shared/contract/index.ts';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { initials } from './initials.ts';
import './auth.css';

interface Props {
  profiles: readonly ProfileSummary[];
  protection: VaultProtection;
  /** The profile whose session is locked on this workstation (it can come back with its PIN). */
  lockedId: string | null;
  choose: (profile: ProfileSummary) => void;
  add: () => void;
}

/** Who is using this workstation: display names only, nothing from anyone's messages. */
export function ProfilePicker({ profiles, protection, lockedId, choose, add }: Props) {
  const { t } = useTranslation();
  return (
    <section className="auth-screen" aria-labelledby="picker-heading" data-testid="profile-picker">
      <div className="auth-screen__header">
        <h1 id="picker-heading">{t('picker.heading')}</h1>
        <p className="auth-screen__intro">{t('picker.intro')}</p>
      </div>
      {protection === 'degraded' ? (
        <p className="auth-callout auth-callout--warn" role="note">
          {t('picker.degraded')}
        </p>
      ) : null}
      {protection === 'unavailable' ? (
        <p className="auth-callout auth-callout--danger" role="alert">
          {t('picker.unavailable')}
        </p>
      ) : null}
      {profiles.length === 0 ? (
        <p className="auth-screen__empty">{t('picker.none')}</p>
      ) : (
        <ul className="profile-list" aria-label={t('picker.listLabel')}>
          {profiles.map((profile) => (
            <li key={profile.id}>
              <button type="button" className="profile-list__item" onClick={() => choose(profile)} data-testid="profile-item">
                <span className="profile-list__avatar" aria-hidden="true">
                  {initials(profile.displayName)}
                </span>
                <span className="profile-list__text">
                  <span className="profile-list__name" data-testid="profile-name">
                    {profile.displayName}
                  </span>
                  {profile.id === lockedId || profile.hasPin ? (
                    <span className="profile-list__tag" data-testid="profile-locked">
                      <Icon name="lock" />
                      {profile.hasPin ? t('picker.lockedPin') : t('picker.locked')}
                    </span>
                  ) : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button variant={profiles.length === 0 ? 'primary' : 'secondary'} onClick={add} disabled={protection === 'unavailable'} data-testid="add-staff">
          <Icon name="plus" />
          {t('picker.add')}
        </Button>
      </div>
    </section>
  );
}

