import type { Message, MessagePage } from '../../../shared/contract/index.ts';

/** The contiguous stretch of a conversation on screen, and where the pages beyond it start. */
export interface ThreadWindow {
  readonly messages: readonly Message[];
  /** Where the next older page starts; null when the oldest message is on screen. */
  readonly olderCursor: string | null;
  /** Where the next newer page starts; null when the newest message is on screen (live). */
  readonly newerCursor: string | null;
  readonly loaded: boolean;
}

const order = (a: Message, b: Message) => a.sentAt - b.sentAt || a.id - b.id;

/** Messages of both lists by id (the second wins), in time order. */
export function merge(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(order);
}

/**
 * Folds the opening answer into the window. The first answer is the window; later ones (the same
 * answer with messages put in by events) change messages already shown, and add new ones only
 * where the window reaches: never past its newer end while that is not the live end (no gap).
 */
export function foldAnswer(view: ThreadWindow, page: MessagePage): ThreadWindow {
  if (!view.loaded) return { messages: page.messages, olderCursor: page.olderCursor, newerCursor: page.newerCursor, loaded: true };
  const shown = new Map(view.messages.map((m) => [m.id, m]));
  const first = view.messages[0];
  const reaches = (m: Message) => view.newerCursor === null && (view.olderCursor === null || first === undefined || order(m, first) >= 0);
  // The same object is the same message: only what an event put in is merged (cheap for a long thread).
  const changed = page.messages.filter((m) => (shown.has(m.id) ? shown.get(m.id) !== m : reaches(m)));
  return changed.length === 0 ? view : { ...view, messages: merge(view.messages, changed) };
}
