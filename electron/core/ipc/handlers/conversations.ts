import { InboxEntry, Message, SearchHit, type conversationsMethods } from '../../../../shared/contract/conversations.ts';
import { CoreError } from '../../errors.ts';
import type { Logger } from '../../log/logger.ts';
import { encodeCursor } from '../../store/format.ts';
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
  // A search hit's message in the middle of its page: older half before it, newer half after it.
  const pageAround = (conversationId: number, messageId: number, limit: number) => {
    const store = deps.requireStore();
    const target = store.getMessage(messageId);
    if (target === null || target.conversationId !== conversationId) throw new CoreError('not_found', 'That message was not found.');
    const at = encodeCursor({ at: target.sentAt, id: target.id });
    const half = Math.max(1, Math.floor((limit - 1) / 2));
    const older = store.messagesPage(conversationId, { before: at, limit: half });
    const newer = store.messagesPage(conversationId, { after: at, limit: Math.max(1, limit - 1 - half) });
    const messages = [...older.messages, target, ...newer.messages].map((m) => messageForScreen(store, m));
    return {
      messages: messages.filter(valid(Message, 'message')),
      olderCursor: older.messages.length > 0 ? older.olderCursor : null,
      newerCursor: newer.messages.length > 0 ? newer.newerCursor : null,
    };
  };
  const prefs = (store: Store, conversationId: number) => {
    const c = store.getConversation(conversationId);
    if (c === null) throw new CoreError('not_found', 'That conversation was not found.');
    return { conversationId, pinned: c.pinned, muted: c.muted, unreadCount: c.unreadCount };
  };
  const setFlags = (conversationId: number, flags: { pinned?: boolean; muted?: boolean }) => {
    const store = deps.requireStore();
    store.setConversationFlags(conversationId, flags);
    return prefs(store, conversationId);
  };
  return {
    'conversations.pin': ({ conversationId, pinned }) => setFlags(conversationId, { pinned }),
    'conversations.mute': ({ conversationId, muted }) => setFlags(conversationId, { muted }),
    'conversations.markUnread': ({ conversationId }) => {
      const store = deps.requireStore();
      store.markUnread(conversationId);
      return prefs(store, conversationId);
    },
    'conversations.inbox': (req) => {
      const store = deps.requireStore();
      const inbox = store.inbox(req);
      const entries = inbox.entries.map((entry) => inboxEntryForScreen(store, entry));
      return { ...inbox, entries: entries.filter(valid(InboxEntry, 'inbox')) };
    },
    'conversations.open': ({ conversationId, limit, around }) =>
      around === undefined ? page(conversationId, limit === undefined ? {} : { limit }) : pageAround(conversationId, around, limit ?? 50),
    'messages.page': ({ conversationId, ...query }) => page(conversationId, query),
    'messages.search': ({ query, limit }) => ({ hits: deps.requireStore().search(query, limit).filter(valid(SearchHit, 'search')) }),
    'conversations.markRead': ({ conversationId, upToMessageId }) => ({
      unreadCount: deps.requireStore().markRead(conversationId, upToMessageId).unreadCount,
    }),
  };
}
