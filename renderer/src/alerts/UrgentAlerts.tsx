import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, InboxEntry } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery, useInvalidate } from '../api/useContractQuery.ts';
import { Button } from '../components/Button.tsx';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { When } from '../components/When.tsx';
import { nameFor } from '../messaging/useMessaging.ts';
import type { UiError } from '../session/errors.ts';
import { notificationText } from './alert-text.ts';
import { notify } from './notify.ts';
import { dueAlerts, NO_REPEATS } from './urgent-schedule.ts';
import './alerts.css';

/** How often the alert checks whether a repeat is due (the repeat interval itself comes from core). */
const TICK_MS = 5_000;

/**
 * Urgent messages nobody has acknowledged: an alert that stays at the top of every screen until
 * "Acknowledge" is pressed, and a PHI-free notification (with the chime, if on) repeated at the
 * core's interval for the core's window.
 */
export function UrgentAlerts({
  inbox,
  directory,
  open,
}: {
  inbox: readonly InboxEntry[] | null;
  directory: readonly DirectoryEntry[] | null;
  open: (entry: InboxEntry) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const invalidate = useInvalidate();
  const { data } = useContractQuery('urgent.pending', {});
  const [error, setError] = useState<UiError>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const repeats = useRef(NO_REPEATS);
  const pending = data?.pending ?? [];

  // The repeat loop: due alerts notify (each through the core's decision of what it may say).
  useEffect(() => {
    if (data === null) return;
    const tick = () => {
      const { due, repeats: next } = dueAlerts(data.pending, repeats.current, Date.now(), data.repeatEveryMs, data.repeatForMs);
      const first = new Set(data.pending.filter((p) => !repeats.current.last.has(p.messageId)).map((p) => p.messageId));
      repeats.current = next;
      for (const messageId of due) {
        void client.call('notifications.forMessage', { messageId }).then((result) => {
          if (result.ok && result.value.show) notify(notificationText(t, result.value, !first.has(messageId)), true, !document.hasFocus());
        });
      }
    };
    tick();
    const timer = setInterval(tick, TICK_MS);
    return () => clearInterval(timer);
  }, [client, data, t]);

  if (pending.length === 0) return null;

  const acknowledge = async (messageId: number) => {
    setBusy(messageId);
    const result = await client.call('urgent.acknowledge', { messageId });
    setBusy(null);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    invalidate(['urgent.pending'], ['urgent.acknowledgements']);
  };

  return (
    <section className="urgent-alerts" aria-label={t('urgent.alertsLabel')} data-testid="urgent-alerts">
      {pending.slice(0, 3).map((p) => {
        const entry = inbox?.find((e) => e.id === p.conversationId) ?? null;
        const room = entry?.kind === 'room' ? (entry.title ?? nameFor(entry.jid, directory)) : null;
        const sender = nameFor(p.senderJid, directory);
        return (
          <div key={p.messageId} className="urgent-alerts__item" role="alert" data-testid="urgent-alert">
            <Icon name="alert" />
            <p className="urgent-alerts__text">
              <strong>{t('urgent.alertTitle')}</strong>{' '}
              <span dir="auto">{room === null ? t('urgent.alertFrom', { sender }) : t('urgent.alertFromIn', { sender, room })}</span>{' '}
              <When time={p.sentAt} />
            </p>
            {entry !== null ? (
              <Button onClick={() => open(entry)} data-testid="urgent-alert-open">
                {t('urgent.open')}
              </Button>
            ) : null}
            <Button variant="primary" disabled={busy !== null} onClick={() => void acknowledge(p.messageId)} data-testid="urgent-acknowledge">
              {t('urgent.acknowledge')}
            </Button>
          </div>
        );
      })}
      {pending.length > 3 ? <p className="urgent-alerts__more">{t('urgent.more', { count: pending.length - 3 })}</p> : null}
      <FormError error={error} secondsLeft={0} testId="urgent-error" />
    </section>
  );
}
