import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../api/ClientProvider.tsx';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import './idle-warning.css';

/**
 * Main says the idle lock is 30 s away: a countdown, announced (role="alert") without taking focus
 * from what the person was typing. Any input (a key, a tap, "Keep working") tells main they are still there.
 */
export function IdleWarning() {
  const client = useClient();
  const { t } = useTranslation();
  const [locksAt, setLocksAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(
    () =>
      client.on('session.idleWarning', ({ locksAt: at }) => {
        setNow(Date.now());
        setLocksAt(at);
      }),
    [client],
  );
  useEffect(() => {
    if (locksAt === null) return;
    const tick = setInterval(() => setNow(Date.now()), 250);
    // Any input ends the warning at once and tells main straight away (not waiting for the heartbeat's turn).
    const dismiss = () => {
      setLocksAt(null);
      void client.call('session.reportActivity', {});
    };
    for (const name of ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const) window.addEventListener(name, dismiss, { capture: true, passive: true });
    return () => {
      clearInterval(tick);
      for (const name of ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const) window.removeEventListener(name, dismiss, { capture: true });
    };
  }, [client, locksAt]);

  if (locksAt === null) return null;
  const seconds = Math.max(0, Math.ceil((locksAt - now) / 1000));
  return (
    <div className="idle-warning" role="alert" data-testid="idle-warning">
      <Icon name="clock" />
      <p>{t('session.idleWarning', { count: seconds })}</p>
      {/* Pressing it is input: the listener above has already ended the warning. */}
      <Button variant="primary" data-testid="idle-keep-working">
        {t('session.keepWorking')}
      </Button>
    </div>
  );
}
