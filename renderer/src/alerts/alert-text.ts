import type { TFunction } from 'i18next';
import type { InboxEntry, NotificationContent } from '../../../shared/contract/index.ts';

/* What notifications and the window title say: pure (no DOM), unit-tested in tests/unit/renderer-alerts.test.ts. */

/**
 * The notification's title and body as the core's decision allows (policy notificationContent):
 * by default only "New message" / "New urgent message"; the sender and text only when allowed.
 */
export function notificationText(t: TFunction, content: NotificationContent, repeat = false): { title: string; body: string } {
  const what = content.urgent ? (repeat ? t('notify.urgentRepeat') : t('notify.urgent')) : t('notify.message');
  const body = content.sender === null ? what : content.text === null ? t('notify.from', { what, sender: content.sender }) : `${content.sender}: ${content.text}`;
  return { title: t('app.name'), body };
}

/** The window title: "Sealwire (3)" with unread messages, a number only: never a name or text. */
export function unreadTitle(entries: readonly InboxEntry[] | null): string {
  const unread = (entries ?? []).reduce((sum, e) => sum + (e.muted ? 0 : e.unreadCount), 0);
  return unread > 0 ? `Sealwire (${Math.min(unread, 99_999)})` : 'Sealwire';
}

