import type { Message } from '../../../shared/contract/index.ts';
import { dateOf } from './format.ts';

/** Messages from one sender closer together than this share one header (a run). */
export const RUN_GAP_MS = 5 * 60_000;

export type ThreadRow =
  | { readonly kind: 'day'; readonly key: string; readonly time: number }
  | { readonly kind: 'new'; readonly key: 'new' }
  | { readonly kind: 'message'; readonly key: number; readonly message: Message; readonly grouped: boolean };

/** The local calendar day of a time (what a day separator names); null for a time no Date holds. */
export function dayOf(time: number): string | null {
  const date = dateOf(time);
  if (date === null) return null;
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/**
 * The rows a thread shows, in order: a separator where the day changes, the "new messages" line
 * before the first unread message, and each message, `grouped` when it continues a run (same sender
 * and direction, same day, within RUN_GAP_MS, no line between) so it is drawn without a header.
 * Pure, so the list can be virtualised over it (tests/unit/thread-rows.test.ts).
 */
export function threadRows(messages: readonly Message[], firstUnreadId: number | null): ThreadRow[] {
  const rows: ThreadRow[] = [];
  let previous: Message | null = null;
  let previousDay: string | null = null;
  for (const message of messages) {
    const day = dayOf(message.sentAt);
    let grouped = previous !== null;
    if (day !== previousDay) {
      if (day !== null) rows.push({ kind: 'day', key: `day:${day}`, time: message.sentAt });
      grouped = false;
    }
    if (message.id === firstUnreadId) {
      rows.push({ kind: 'new', key: 'new' });
      grouped = false;
    }
    if (
      grouped &&
      previous !== null &&
      (previous.senderJid !== message.senderJid || previous.direction !== message.direction || message.sentAt - previous.sentAt > RUN_GAP_MS)
    )
      grouped = false;
    rows.push({ kind: 'message', key: message.id, message, grouped });
    previous = message;
    previousDay = day;
  }
  return rows;
}

/** The first message that came in and is not read yet (where the "new messages" line goes), or null. */
export function firstUnread(messages: readonly Message[]): number | null {
  return messages.find((m) => m.direction === 'in' && m.state !== 'read')?.id ?? null;
}
