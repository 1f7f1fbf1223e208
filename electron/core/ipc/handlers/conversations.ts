import type { AttachmentSummary, conversationsMethods, InboxEntry } from '../../../../shared/contract/conversations.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

/**
 * The conversation and message methods over the open profile's store. `requireStore` throws
 * CoreError('locked') when no profile is open; the audit trail records each call from the
 * method's `audit` name in the dispatcher hooks, with ids only (never bodies or search terms).
 */
export function conversationsHandlers(deps: { requireStore: () => Store }): HandlersFor<typeof conversationsMethods> {
  return {
    'conversations.inbox': (req) => {
      const store = deps.requireStore();
      const inbox = store.inbox(req);
      return { ...inbox, entries: inbox.entries.map((entry) => withAttachmentPreview(store, entry)) };
    },
    'messages.page': ({ conversationId, ...page }) => {
      const store = deps.requireStore();
      const result = store.messagesPage(conversationId, page);
      return { ...result, messages: result.messages.map((m) => (m.attachmentCount > 0 ? { ...m, attachments: summaries(store, m.id) } : m)) };
    },
    'messages.search': ({ query, limit }) => ({ hits: deps.requireStore().search(query, limit) }),
    'conversations.markRead': ({ conversationId, upToMessageId }) => ({
      unreadCount: deps.requireStore().markRead(conversationId, upToMessageId).unreadCount,
    }),
  };
}

const summaries = (store: Store, messageId: number): AttachmentSummary[] =>
  store.attachments
    .list(messageId)
    .slice(0, 20)
    .map(({ id, fileName, mime, size }) => ({ id, fileName, mime, size }));

/** An attachment's message body is its upload address; the inbox shows the file name instead. */
function withAttachmentPreview(store: Store, entry: InboxEntry): InboxEntry {
  if (entry.preview === null || !/^https:\/\//.test(entry.preview)) return entry;
  const last = store.messagesPage(entry.id, { limit: 1 }).messages.at(-1);
  const file = last !== undefined && last.attachmentCount > 0 ? store.attachments.list(last.id)[0] : undefined;
  return file === undefined ? entry : { ...entry, preview: file.fileName, previewIsAttachment: true };
}
