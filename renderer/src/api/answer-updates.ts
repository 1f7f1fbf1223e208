/** Pure updates of held answers (no React, no query library): unit-tested in tests/unit/thread-logic.test.ts. */
import type { InboxEntry, Message, MessagePage } from '../../../shared/contract/index.ts';

export type InboxAnswer = { entries: InboxEntry[]; nextCursor: string | null };

/** Inbox order: newest activity first, then the newer conversation (the store's order). */
function inboxOrder(a: InboxEntry, b: InboxEntry): number {
  return (b.lastActivity ?? -Infinity) - (a.lastActivity ?? -Infinity) || b.id - a.id;
}

/**
 * One inbox answer with a conversation's row put in place (or taken out when it was archived).
 * Pinned rows stay in front in the store's pin order: a pinned row keeps its place (a newly
 * pinned one goes after the others); only the rest move by activity.
 */
export function withInboxEntry(answer: InboxAnswer, entry: InboxEntry, includeArchived: boolean): InboxAnswer {
  const others = answer.entries.filter((e) => e.id !== entry.id);
  if (entry.archived && !entry.pinned && !includeArchived) return { ...answer, entries: others };
  const pinned = others.filter((e) => e.pinned);
  const rest = others.filter((e) => !e.pinned);
  if (!entry.pinned) return { ...answer, entries: [...pinned, ...[...rest, entry].sort(inboxOrder)] };
  const at = answer.entries.findIndex((e) => e.id === entry.id);
  const inPlace = at >= 0 && answer.entries[at]?.pinned === true;
  return { ...answer, entries: inPlace ? answer.entries.map((e) => (e.id === entry.id ? entry : e)) : [...pinned, entry, ...rest] };
}

/** A conversation's open page with a message put in place (a new one in time order, a known one replaced). */
export function withMessage(page: MessagePage, message: Message): MessagePage {
  const at = page.messages.findIndex((m) => m.id === message.id);
  if (at >= 0) return { ...page, messages: page.messages.map((m, i) => (i === at ? message : m)) };
  const messages = [...page.messages, message].sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  return { ...page, messages };
}
