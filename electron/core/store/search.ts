/**
 * Full-text search over one store: one FTS5 query fetches the newest SEARCH_WINDOW matches with
 * their text, and ranking and snippets happen here, in code.
 *
 * Why not bm25() and snippet() inside SQLite: a last word typed as a prefix ("appoint*") makes
 * FTS5 merge every matching doclist (about 245,000 entries at a million messages), and bm25's
 * IDF count, the window bound and the ranked query each paid that merge again. One pass over the
 * newest matches pays it once (measured: bench:store search_p95_ms).
 */
import type { Db } from './connection.ts';
import { buildFtsQuery, clampLimit, makePreview, searchWords, SNIPPET_CLOSE, SNIPPET_OPEN } from './format.ts';
import type { SearchHit } from './types.ts';

/** How many of the newest matches are ranked. */
export const SEARCH_WINDOW = 1000;
/** Tokens in a snippet, as FTS5's snippet(..., 12) gave. */
const SNIPPET_TOKENS = 12;
// BM25's usual constants: term-frequency saturation and length normalisation.
const K1 = 1.2;
const B = 0.75;

interface Candidate {
  readonly id: number;
  readonly conversation_id: number;
  readonly sender_jid: string;
  readonly sent_at: number;
  readonly body: string;
  readonly patient_tag: string | null;
}

/** A body can carry the marker characters too; they must not fake a highlight. */
const stripMarkers = (s: string): string => s.split(SNIPPET_OPEN).join('').split(SNIPPET_CLOSE).join('');

interface Token {
  readonly start: number;
  readonly end: number;
  readonly norm: string;
}

/** The same folding as the index's tokenizer (unicode61, remove_diacritics 2): case and accents. */
export function fold(word: string): string {
  // Most clinic text is ASCII: nothing to decompose, and lowercasing alone is several times cheaper.
  if (/^\p{ASCII}*$/u.test(word)) return word.toLowerCase();
  return word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Tokens as unicode61 sees them (letters, numbers, private use; marks stay with their letter), with offsets. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu)) {
    out.push({ start: m.index, end: m.index + m[0].length, norm: fold(m[0]) });
  }
  return out;
}

interface Terms {
  readonly exact: ReadonlySet<string>;
  readonly prefix: string | null;
}

function queryTerms(input: string): Terms {
  const words = searchWords(input);
  const folded = words.flatMap((w) => tokenize(w).map((t) => t.norm));
  const fts = buildFtsQuery(input) ?? '';
  const prefix = fts.endsWith(' *') ? (folded[folded.length - 1] ?? null) : null;
  return { exact: new Set(prefix === null ? folded : folded.slice(0, -1)), prefix };
}

const matches = (terms: Terms, norm: string): boolean =>
  terms.exact.has(norm) || (terms.prefix !== null && norm.startsWith(terms.prefix));

/** Term frequencies and length of one body, folded once as a whole (no per-token objects for the whole window). */
function countTerms(body: string, terms: Terms): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  let length = 0;
  for (const word of fold(body).split(/[^\p{L}\p{N}\p{Co}]+/u)) {
    if (word === '') continue;
    length++;
    if (terms.exact.has(word)) tf.set(word, (tf.get(word) ?? 0) + 1);
    else if (terms.prefix !== null && word.startsWith(terms.prefix)) tf.set('*', (tf.get('*') ?? 0) + 1);
  }
  return { tf, length };
}

/** BM25 within the window: every candidate matches every term, so only frequency and length separate them. */
function score(counted: { tf: Map<string, number>; length: number }, avgLength: number): number {
  const norm = 1 - B + (B * counted.length) / Math.max(1, avgLength);
  let s = 0;
  for (const f of counted.tf.values()) s += (f * (K1 + 1)) / (f + K1 * norm);
  return s;
}

/** The SNIPPET_TOKENS-token stretch with the most matches, matches wrapped in the markers. */
export function snippetOf(body: string, tokens: readonly Token[], terms: Terms): string {
  const clean = stripMarkers;
  const hit = tokens.map((t) => matches(terms, t.norm));
  let best = 0;
  let bestCount = -1;
  for (let start = 0; start < Math.max(1, tokens.length - SNIPPET_TOKENS + 1); start++) {
    let n = 0;
    for (let i = start; i < Math.min(tokens.length, start + SNIPPET_TOKENS); i++) if (hit[i]) n++;
    if (n > bestCount) {
      best = start;
      bestCount = n;
    }
  }
  const end = Math.min(tokens.length, best + SNIPPET_TOKENS);
  if (tokens.length === 0) return clean(makePreview(body) ?? '');
  let out = best > 0 ? '…' : '';
  let at = best > 0 ? (tokens[best] as Token).start : 0;
  for (let i = best; i < end; i++) {
    const t = tokens[i] as Token;
    out += clean(body.slice(at, t.start));
    const word = clean(body.slice(t.start, t.end));
    out += hit[i] ? `${SNIPPET_OPEN}${word}${SNIPPET_CLOSE}` : word;
    at = t.end;
  }
  out += end < tokens.length ? '…' : clean(body.slice(at));
  return out.replace(/\s+/g, ' ').trim();
}

/** A patient tag typed as it is written ("MRN 004512", any case, spacing collapsed); a prefix from 4 characters. */
export function tagQuery(input: string): string | null {
  const t = input.normalize('NFKC').replace(/\s+/g, ' ').trim();
  return Array.from(t).length >= 4 && t.length <= 64 ? t : null;
}

export function searchOps(db: Db): { search(text: string, limit?: number): SearchHit[] } {
  // ORDER BY rowid DESC is served by FTS5 itself: it walks the merged doclist newest first and
  // stops after the window, so the cost is one merge plus SEARCH_WINDOW row lookups.
  const newestMatches = db.prepare<[string], Candidate>(
    `SELECT m.id, m.conversation_id, m.sender_jid, m.sent_at, m.body, m.patient_tag
     FROM messages_fts f JOIN messages m ON m.id = f.rowid
     WHERE messages_fts MATCH ? AND m.recalled_at IS NULL
     ORDER BY f.rowid DESC LIMIT ${SEARCH_WINDOW}`,
  );
  // Tagged messages only (a partial index): the tag exactly or as a prefix, ignoring case.
  const byTag = db.prepare<[string, string, number], Candidate>(
    `SELECT id, conversation_id, sender_jid, sent_at, body, patient_tag FROM messages
     WHERE patient_tag IS NOT NULL AND patient_tag COLLATE NOCASE >= ? AND patient_tag COLLATE NOCASE < ? AND recalled_at IS NULL
     ORDER BY patient_tag COLLATE NOCASE LIMIT ?`,
  );

  // Files are found by their name (bug 3), never by their upload address (a message body that is
  // only an address): that would put a download capability on screen and match random ids.
  const byFileName = db.prepare<[string, number], Candidate & { file_name: string }>(
    // CROSS JOIN keeps the (small) attachments table outside: messages are only looked up by id.
    `SELECT m.id, m.conversation_id, m.sender_jid, m.sent_at, m.body, m.patient_tag, a.file_name
     FROM attachments a CROSS JOIN messages m ON m.id = a.message_id
     WHERE a.file_name LIKE ? ESCAPE '\\' AND m.recalled_at IS NULL
     ORDER BY a.id DESC LIMIT ?`,
  );

  return {
    search(text, limit) {
      const max = clampLimit(limit, 20, 100);
      const hits: SearchHit[] = [];
      const seen = new Set<number>();
      const tag = tagQuery(text);
      if (tag !== null) {
        const tagged = byTag.all(tag, `${tag}\u{10FFFF}`, max).sort((a, b) => b.sent_at - a.sent_at || b.id - a.id);
        for (const r of tagged) {
          seen.add(r.id);
          const preview = makePreview(stripMarkers(r.body)) ?? '';
          hits.push({ ...hitOf(r), snippet: `${SNIPPET_OPEN}${r.patient_tag ?? ''}${SNIPPET_CLOSE} ${preview}`.trim(), rank: -1000 });
        }
      }
      const fts = buildFtsQuery(text);
      if (fts === null || hits.length >= max) return hits.slice(0, max);
      const terms = queryTerms(text);
      const name = fileNameQuery(text);
      if (name !== null) {
        for (const r of byFileName.all(name, max - hits.length)) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          hits.push({ ...hitOf(r), snippet: snippetOf(r.file_name, tokenize(r.file_name), terms), rank: -500 });
        }
      }
      const rows = newestMatches.all(fts).filter((r) => !seen.has(r.id) && !ADDRESS_ONLY.test(r.body));
      const counted = rows.map((r) => countTerms(r.body, terms));
      const avg = counted.reduce((n, c) => n + c.length, 0) / Math.max(1, counted.length);
      const ranked = rows
        .map((r, i) => ({ r, s: score(counted[i] as { tf: Map<string, number>; length: number }, avg) }))
        .sort((a, b) => b.s - a.s || b.r.id - a.r.id)
        .slice(0, max - hits.length);
      for (const { r, s } of ranked) hits.push({ ...hitOf(r), snippet: snippetOf(r.body, tokenize(r.body), terms), rank: -s });
      return hits;
    },
  };
}

/** A body that is only an upload address (an attachment message). */
const ADDRESS_ONLY = /^(https?|aesgcm):\/\/\S+$/i;

/** LIKE pattern for a file name containing the typed text (case-insensitive for ASCII), or null when too short. */
function fileNameQuery(input: string): string | null {
  const t = input.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (Array.from(t).length < 3 || t.length > 100) return null;
  return `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const hitOf = (r: Candidate) => ({ messageId: r.id, conversationId: r.conversation_id, senderJid: r.sender_jid, sentAt: r.sent_at });
