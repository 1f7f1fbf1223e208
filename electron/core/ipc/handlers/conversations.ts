import { InboxEntry, Message, SearchHit, type AttachmentSummary, type conversationsMethods } from '../../../../shared/contract/conversations.ts';
import type { Logger } from '../../log/logger.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

/**
 * The conversation and message methods over the open profile's store. `requireStore` throws
 * CoreError('locked') when no profile is open; the audit trail records each call from the
 * method's `audit` name in the dispatcher hooks, with ids only (never bodies or search terms).
 */
export function conversationsHandlers(deps: { requireStore: () => Store; log?: Logger }): HandlersFor<typeof conversationsMethods> {
  // One row the contract refuses (written by an older version, or damaged) must not fail the
  // whole page: it is left out and logged (ids only).
  const valid = <T>(schema: { safeParse(v: unknown): { success: boolean } }, kind: string) => (row: T & { id?: number; messageId?: number }) => {
    if (schema.safeParse(row).success) return true;
    deps.log?.warn('store.row_skipped', { kind, id: row.id ?? row.messageId ?? null });
    return false;
  };
  return {
    'conversations.inbox': (req) => {
      const store = deps.requireStore();
      const inbox = store.inbox(req);
      return { ...inbox, entries: inbox.entries.map((entry) => withAttachmentPreview(store, entry)).filter(valid(InboxEntry, 'inbox')) };
    },
    'messages.page': ({ conversationId, ...page }) => {
      const store = deps.requireStore();
      const result = store.messagesPage(conversationId, page);
      const messages = result.messages.map((m) => (m.attachmentCount > 0 ? { ...m, attachments: summaries(store, m.id) } : m));
      return { ...result, messages: messages.filter(valid(Message, 'message')) };
    },
    'messages.search': ({ query, limit }) => ({ hits: deps.requireStore().search(query, limit).filter(valid(SearchHit, 'search')) }),
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
  if (entry.preview === null || !/^(https|aesgcm):\/\//.test(entry.preview)) return entry;
  const last = store.messagesPage(entry.id, { limit: 1 }).messages.at(-1);
  const file = last !== undefined && last.attachmentCount > 0 ? store.attachments.list(last.id)[0] : undefined;
  return file === undefined ? entry : { ...entry, preview: file.fileName, previewIsAttachment: true };
}
