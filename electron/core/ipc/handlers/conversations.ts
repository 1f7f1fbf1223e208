import { InboxEntry, Message, SearchHit, type conversationsMethods } from '../../../../shared/contract/conversations.ts';
import type { Logger } from '../../log/logger.ts';
import { inboxEntryForScreen, messageForScreen } from '../../store/screen-rows.ts';
import type { PageQuery, Store } from '../../store/store.ts';
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
  const page = (conversationId: number, query: PageQuery) => {
    const store = deps.requireStore();
    const result = store.messagesPage(conversationId, query);
    const messages = result.messages.map((m) => messageForScreen(store, m));
    return { ...result, messages: messages.filter(valid(Message, 'message')) };
  };
  return {
    'conversations.inbox': (req) => {
      const store = deps.requireStore();
      const inbox = store.inbox(req);
      const entries = inbox.entries.map((entry) => inboxEntryForScreen(store, entry));
      return { ...inbox, entries: entries.filter(valid(InboxEntry, 'inbox')) };
    },
    'conversations.open': ({ conversationId, limit }) => page(conversationId, limit === undefined ? {} : { limit }),
    'messages.page': ({ conversationId, ...query }) => page(conversationId, query),
    'messages.search': ({ query, limit }) => ({ hits: deps.requireStore().search(query, limit).filter(valid(SearchHit, 'search')) }),
    'conversations.markRead': ({ conversationId, upToMessageId }) => ({
      unreadCount: deps.requireStore().markRead(conversationId, upToMessageId).unreadCount,
    }),
  };
}
