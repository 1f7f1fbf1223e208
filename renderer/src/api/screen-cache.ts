import type { QueryClient } from '@tanstack/react-query';
import type { InboxEntry, Message, MessagePage } from '../../../shared/contract/index.ts';

type InboxAnswer = { entries: InboxEntry[]; nextCursor: string | null };

/** Inbox order: newest activity first, then the newer conversation (the store's order). */
function inboxOrder(a: InboxEntry, b: InboxEntry): number {
  return (b.lastActivity ?? -Infinity) - (a.lastActivity ?? -Infinity) || b.id - a.id;
}

/** One inbox answer with a conversation's row put in place (or taken out when it was archived). */
export function withInboxEntry(answer: InboxAnswer, entry: InboxEntry, includeArchived: boolean): InboxAnswer {
  const others = answer.entries.filter((e) => e.id !== entry.id);
  if (entry.archived && !includeArchived) return { ...answer, entries: others };
  return { ...answer, entries: [...others, entry].sort(inboxOrder) };
}

/** A conversation's open page with a message put in place (a new one in time order, a known one replaced). */
export function withMessage(page: MessagePage, message: Message): MessagePage {
  const at = page.messages.findIndex((m) => m.id === message.id);
  if (at >= 0) return { ...page, messages: page.messages.map((m, i) => (i === at ? message : m)) };
  const messages = [...page.messages, message].sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  return { ...page, messages };
}

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
