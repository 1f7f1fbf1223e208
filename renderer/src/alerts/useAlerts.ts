import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxEntry } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { notificationText, unreadTitle } from './alert-text.ts';
import { notify } from './notify.ts';

/**
 * A desktop notification (and the chime) for each message that arrives while the window is not in
 * front, worded as the core decides (policy notificationContent; by default no name, no text).
 * Urgent messages notify through UrgentAlerts, which also repeats them.
 */
export function useIncomingNotifications(): void {
  const client = useClient();
  const { t } = useTranslation();
  useEffect(
    () =>
      client.on('messaging.incoming', ({ messageId, direction, priority }) => {
        if (direction !== 'in' || priority === 'urgent' || document.hasFocus()) return;
        void client.call('notifications.forMessage', { messageId }).then((result) => {
          if (result.ok && result.value.show) notify(notificationText(t, result.value), false, true);
        });
      }),
    [client, t],
  );
}

export function useUnreadTitle(entries: readonly InboxEntry[] | null): void {
  const title = unreadTitle(entries);
  useEffect(() => {
    document.title = title;
  }, [title]);
  // Leaving the workspace (lock, sign-out) puts the plain title back.
  useEffect(
    () => () => {
      document.title = 'Sealwire';
    },
    [],
  );
}
