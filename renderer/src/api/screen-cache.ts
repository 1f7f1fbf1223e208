import type { QueryClient } from '@tanstack/react-query';
import type { InboxEntry, Message, MessagePage } from '../../../shared/contract/index.ts';
import { withInboxEntry, withMessage, type InboxAnswer } from './answer-updates.ts';

/**
 * Puts what a message event carries into the answers the screens hold: the conversation's inbox
 * row into every inbox answer, the message into its open conversation. Nothing is asked again.
 */
export function putInboxEntry(queries: QueryClient, entry: InboxEntry): void {
  for (const [queryKey] of queries.getQueriesData<InboxAnswer>({ queryKey: ['conversations.inbox'] })) {
    const request = (queryKey[1] ?? {}) as { includeArchived?: boolean; before?: string };
    // A later page of the inbox does not get rows moved to the top.
    if (request.before !== undefined) continue;
    queries.setQueryData<InboxAnswer>(queryKey, (old) => (old ? withInboxEntry(old, entry, request.includeArchived === true) : old));
  }
}

export function putMessage(queries: QueryClient, message: Message): void {
  queries.setQueriesData<MessagePage>({ queryKey: ['conversations.open', { conversationId: message.conversationId }] }, (old) =>
    old ? withMessage(old, message) : old,
  );
}

/** After the screen marked a conversation read: its unread count, without asking for the inbox again. */
export function putUnreadCount(queries: QueryClient, conversationId: number, unreadCount: number): void {
  queries.setQueriesData<InboxAnswer>({ queryKey: ['conversations.inbox'] }, (old) =>
    old ? { ...old, entries: old.entries.map((e) => (e.id === conversationId ? { ...e, unreadCount } : e)) } : old,
  );
}
