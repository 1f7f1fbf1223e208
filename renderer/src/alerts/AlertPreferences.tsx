import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button.tsx';
import { askNotificationPermission, notificationPermission, setSoundOn, soundOn, type Permission } from './notify.ts';
import './alerts.css';

/** Desktop notifications (the system's permission) and the alert chime (on by default; staff may switch it off). */
export function AlertPreferences() {
  const { t } = useTranslation();
  const id = useId();
  const [permission, setPermission] = useState<Permission>(() => notificationPermission());
  const [sound, setSound] = useState(() => soundOn());
  return (
    <section className="alert-prefs" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="side-nav__heading">
        {t('notify.heading')}
      </h2>
      {permission === 'default' ? (
        <Button onClick={() => void askNotificationPermission().then(setPermission)} data-testid="notify-enable">
          {t('notify.enable')}
        </Button>
      ) : (
        <p className="alert-prefs__state" data-testid="notify-state">
          {t(permission === 'granted' ? 'notify.on' : permission === 'denied' ? 'notify.blocked' : 'notify.unsupported')}
        </p>
      )}
      <label className="alert-prefs__sound">
        <input
          type="checkbox"
          checked={sound}
          onChange={(e) => {
            setSoundOn(e.target.checked);
            setSound(e.target.checked);
          }}
          data-testid="notify-sound"
        />
        {t('notify.sound')}
      </label>
    </section>
  );
}
