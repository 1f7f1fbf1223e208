/** Pure helpers shared by the store's queries: cursors, previews, FTS query building, state order. */
import type { MessageState } from './types.ts';

export const PREVIEW_CHARS = 120;
/** Snippet match markers: control characters that never occur in typed text, so the UI can highlight safely. */
export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export function clampLimit(limit: number | undefined, fallback = DEFAULT_PAGE, max = MAX_PAGE): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.trunc(limit)));
}

/** A keyset position: (time, id). Encoded as "<time base36>.<id base36>" so it is opaque but cheap. */
export interface Position {
  readonly at: number;
  readonly id: number;
}

export function encodeCursor(pos: Position): string {
  return `${pos.at.toString(36)}.${pos.id.toString(36)}`;
}

/** Returns null for anything that is not a cursor this module produced. */
export function decodeCursor(cursor: string): Position | null {
  const m = /^(-?[0-9a-z]{1,12})\.([0-9a-z]{1,12})$/.exec(cursor);
  if (m === null) return null;
  const at = parseInt(m[1] as string, 36);
  const id = parseInt(m[2] as string, 36);
  if (!Number.isSafeInteger(at) || !Number.isSafeInteger(id) || id < 0) return null;
  return { at, id };
}

/** Collapses whitespace and cuts at a code-point boundary, adding an ellipsis when cut. */
export function makePreview(body: string | null, max = PREVIEW_CHARS): string | null {
  if (body === null) return null;
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Shortest last word that is matched as a prefix. Shorter prefixes ("t", "pa", "the") expand to
 * hundreds of terms whose doclists FTS5 must merge: 100-400 ms on a million messages.
 */
export const MIN_PREFIX_CHARS = 4;

/**
 * Turns what a person typed into a safe FTS5 query: every word becomes a quoted string (so FTS5
 * syntax characters cannot inject operators), all words must match, and the last word matches as
 * a prefix when it is long enough (search-as-you-type). Returns null when nothing searchable remains.
 */
export function buildFtsQuery(input: string, maxTerms = 8): string | null {
  const words = searchWords(input, maxTerms);
  if (words.length === 0) return null;
  const last = words.length - 1;
  return words.map((w, i) => `"${w}"${i === last && Array.from(w).length >= MIN_PREFIX_CHARS ? ' *' : ''}`).join(' ');
}

/** The words of a search as typed, after compatibility normalisation; at most maxTerms. */
export function searchWords(input: string, maxTerms = 8): string[] {
  return input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0)
    .slice(0, maxTerms);
}

/**
 * Forward order of message states. 'failed' sits after 'queued' only: a message can fail before
 * the server took it, and a late acknowledgement can still move it on to 'sent'.
 */
export const STATE_RANK: Record<MessageState, number> = { queued: 0, failed: 1, sent: 2, delivered: 3, read: 4 };

export function isForward(from: MessageState, to: MessageState): boolean {
  return STATE_RANK[to] > STATE_RANK[from];
}

export const DAY_MS = 86_400_000;
