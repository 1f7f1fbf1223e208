import type { Handlers } from '../ipc/dispatcher.ts';
import type { Store } from './store.ts';

type ConversationHandlers = Pick<
  Handlers,
  'conversations.inbox' | 'messages.page' | 'messages.search' | 'conversations.markRead'
>;

/**
 * The conversation and message methods over the open profile's store. `requireStore` throws
 * CoreError('locked') when no profile is open; the audit trail records each call from the
 * method's `audit` name in the dispatcher hooks, with ids only (never bodies or search terms).
 */
export function conversationHandlers(deps: { requireStore: () => Store }): ConversationHandlers {
  return {
    'conversations.inbox': (req) => deps.requireStore().inbox(req),
    'messages.page': ({ conversationId, ...page }) => deps.requireStore().messagesPage(conversationId, page),
    'messages.search': ({ query, limit }) => ({ hits: deps.requireStore().search(query, limit) }),
    'conversations.markRead': ({ conversationId, upToMessageId }) => ({
      unreadCount: deps.requireStore().markRead(conversationId, upToMessageId).unreadCount,
    }),
  };
}
