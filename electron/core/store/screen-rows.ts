import type { AttachmentSummary, InboxEntry as ScreenInboxEntry, Message as ScreenMessage } from '../../../shared/contract/conversations.ts';
import type { InboxEntry, Store, StoredMessage } from './types.ts';

/**
 * Store rows as the screens receive them, one shape whether they are asked for (conversations
 * handlers) or pushed with a message event (account/messaging-events.ts), so a screen can put a
 * pushed row in place of an asked one.
 */
export function messageForScreen(store: Store, message: StoredMessage): ScreenMessage {
  return message.attachmentCount > 0 ? { ...message, attachments: summaries(store, message.id) } : message;
}

/** An inbox row with its attachment preview and a time a Date can hold (else none). */
export function inboxEntryForScreen(store: Store, entry: InboxEntry): ScreenInboxEntry {
  const shown = withAttachmentPreview(store, entry);
  // A conversation whose newest message carries a time no Date can hold (stored before times were
  // bounded) stays listed, without that time.
  return datable(shown.lastActivity) ? shown : { ...shown, lastActivity: null };
}

const datable = (time: number | null): boolean => time === null || (Number.isInteger(time) && Math.abs(time) <= 8.64e15);

const summaries = (store: Store, messageId: number): AttachmentSummary[] =>
  store.attachments
    .list(messageId)
    .slice(0, 20)
    .map(({ id, fileName, mime, size }) => ({ id, fileName, mime, size }));

/** An attachment's message body is its upload address; the inbox shows the file name instead. */
function withAttachmentPreview(store: Store, entry: InboxEntry): ScreenInboxEntry {
  if (entry.preview === null || !/^(https|aesgcm):\/\//.test(entry.preview)) return entry;
  const last = store.messagesPage(entry.id, { limit: 1 }).messages.at(-1);
  const file = last !== undefined && last.attachmentCount > 0 ? store.attachments.list(last.id)[0] : undefined;
  return file === undefined ? entry : { ...entry, preview: file.fileName, previewIsAttachment: true };
}
