import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const dir = makeTempDir('queries');
afterAll(() => removeTempDir(dir));

/** Every SQL text the store prepares, recorded by wrapping prepare() while it opens. */
function openRecording(file: string, key: Buffer): { store: Store; sql: string[] } {
  const sql: string[] = [];
  const proto = Database.prototype as unknown as { prepare: (this: Database.Database, s: string) => unknown };
  const original = proto.prepare;
  proto.prepare = function (this: Database.Database, s: string) {
    sql.push(s);
    return original.call(this, s);
  };
  try {
    return { store: openStore({ file, key, create: true }), sql };
  } finally {
    proto.prepare = original;
  }
}

function seed(store: Store): void {
  for (let c = 0; c < 20; c++) {
    const conv = store.ensureConversation({ kind: 'direct', jid: `peer${c}@clinic.test` }).id;
    store.insertMessages(
      Array.from({ length: 200 }, (_, i) => ({
        clientId: `c${c}-${i}`,
        serverId: `s${c}-${i}`,
        conversationId: conv,
        senderJid: `peer${c}@clinic.test`,
        body: `note ${i} about the referral and the appointment`,
        sentAt: 1_700_000_000_000 + i * 1000,
        direction: i % 2 === 0 ? ('in' as const) : ('out' as const),
        ...(i % 50 === 0 ? { patientTag: `MRN ${1000 + i}` } : {}),
      })),
    );
  }
  store.optimize();
}

/** What a screen asks, found by a fragment of the store's own SQL, and the index its plan must use. */
const SCREEN_QUERIES: readonly { readonly screen: string; readonly fragment: string; readonly index: RegExp }[] = [
  { screen: 'inbox', fragment: 'WHERE c.archived = 0 AND c.pinned_at IS NULL ORDER BY c.last_activity DESC', index: /conversations_inbox/ },
  { screen: 'inbox (pinned first)', fragment: 'WHERE c.pinned_at IS NOT NULL ORDER BY c.pinned_at', index: /conversations_pinned/ },
  { screen: 'mark unread', fragment: "direction = 'in' AND recalled_at IS NULL ORDER BY sent_at DESC", index: /messages_timeline/ },
  { screen: 'thread page (latest)', fragment: 'WHERE m.conversation_id = ? ORDER BY m.sent_at DESC', index: /messages_timeline/ },
  { screen: 'thread page (older)', fragment: '(m.sent_at, m.id) < (?, ?) ORDER BY m.sent_at DESC', index: /messages_timeline/ },
  { screen: 'thread page (newer)', fragment: '(m.sent_at, m.id) > (?, ?) ORDER BY m.sent_at ASC', index: /messages_timeline/ },
  { screen: 'unread count (read marker)', fragment: "UPDATE messages SET state = 'read' WHERE id IN", index: /messages_timeline/ },
  { screen: 'unread count (badge)', fragment: 'SELECT unread_count FROM conversations WHERE id = ?', index: /INTEGER PRIMARY KEY/ },
  { screen: 'search', fragment: 'WHERE messages_fts MATCH ?', index: /VIRTUAL TABLE INDEX/ },
  { screen: 'search (patient tag)', fragment: 'patient_tag COLLATE NOCASE >= ?', index: /messages_patient_tag/ },
  { screen: 'outbox', fragment: 'FROM outbox o CROSS JOIN messages m ON m.client_id = o.client_id', index: /sqlite_autoindex_messages_1/ },
  { screen: 'urgent alerts (not yet acknowledged)', fragment: 'FROM messages m INDEXED BY messages_urgent_in', index: /messages_urgent_in/ },
  { screen: 'server-id fold', fragment: 'FROM messages WHERE conversation_id = ? AND server_id = ?', index: /messages_server_id/ },
];

describe('store queries and indexes', () => {
  const file = path.join(dir, 'plans.db');
  const key = randomBytes(32);
  const { store, sql } = openRecording(file, key);
  seed(store);
  store.close();
  const db = new Database(file);
  keyDatabase(db, key);
  const plan = (s: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${s}`).all(...Array.from({ length: (s.match(/\?/g) ?? []).length }, () => 1)) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');

  it.each(SCREEN_QUERIES)('the $screen query uses an index', ({ fragment, index }) => {
    const found = sql.filter((s) => s.includes(fragment));
    expect(found.length, fragment).toBeGreaterThan(0);
    for (const s of found) {
      const p = plan(s);
      expect(p).toMatch(index);
      expect(p).not.toMatch(/\bSCAN (m|messages)\b/);
    }
  });

  it('keeps no index on messages that no screen query uses', () => {
    const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'`).pluck().all() as string[]).sort();
    const used = SCREEN_QUERIES.flatMap(({ fragment }) => sql.filter((s) => s.includes(fragment)).map(plan)).join(' ');
    expect(indexes).toEqual(['messages_patient_tag', 'messages_server_id', 'messages_timeline', 'messages_urgent_in', 'sqlite_autoindex_messages_1']);
    for (const name of indexes) expect(used, name).toContain(name);
  });

  it('never scans the whole messages table for anything it prepares', () => {
    const scans = sql.filter((s) => /\bmessages\b/.test(s) && /^\s*(SELECT|UPDATE|DELETE)/i.test(s)).filter((s) => /\bSCAN (m|messages)\b/.test(plan(s)));
    expect(scans).toEqual([]);
  });
});

describe('search relevance and patient tags', () => {
  it('puts the best match first, with highlighted snippets, among newer weaker matches', () => {
    const s = openStore({ file: path.join(dir, 'relevance.db'), key: randomBytes(32), create: true });
    const c = s.ensureConversation({ kind: 'direct', jid: 'desk@clinic.test' }).id;
    const bodies = [
      'Blood pressure high at intake, recheck blood pressure before the doctor sees her',
      'Front desk: parking validation is at the window, the blood drive is on Friday, pressure washing the lot Monday',
      'Can someone cover the phones while I take lunch and check the fax for the pressure cuff order and blood work',
      'Reminder that the staff meeting moved to three, bring the blood pressure log',
      'The pharmacy called about a refill',
    ];
    bodies.forEach((body, i) => s.insertMessage({ clientId: `r${i}`, conversationId: c, senderJid: 'desk@clinic.test', body, sentAt: 1000 + i, direction: 'in' }));
    const hits = s.search('blood pressure');
    expect(hits.map((h) => h.messageId)).toHaveLength(4);
    expect(hits[0]?.messageId).toBe(s.getMessageByClientId('r0')?.id);
    expect(hits[0]?.snippet).toContain('\u0002Blood\u0003 \u0002pressure\u0003');
    expect(hits.map((h) => h.rank)).toEqual([...hits.map((h) => h.rank)].sort((a, b) => a - b));
    // Prefix on the last word, and the snippet marks the whole word the prefix matched.
    expect(s.search('recheck press')[0]?.snippet).toContain('\u0002pressure\u0003');
    s.close();
  });

  it('finds messages by their patient tag, typed as written, in any case, or by its start', () => {
    const s = openStore({ file: path.join(dir, 'tags.db'), key: randomBytes(32), create: true });
    const c = s.ensureConversation({ kind: 'direct', jid: 'nurse@clinic.test' }).id;
    const add = (id: string, body: string, patientTag?: string) =>
      s.insertMessage({ clientId: id, conversationId: c, senderJid: 'nurse@clinic.test', body, sentAt: 1000 + Number(id.slice(1)), direction: 'in', ...(patientTag ? { patientTag } : {}) });
    add('t1', 'labs are back', 'MRN 004512');
    add('t2', 'needs a ride home', 'MRN 004512');
    add('t3', 'unrelated', 'MRN 009999');
    add('t4', 'no tag here');
    const ids = (q: string) => s.search(q).map((h) => h.messageId).sort((a, b) => a - b);
    const tagged = [s.getMessageByClientId('t1')?.id, s.getMessageByClientId('t2')?.id];
    expect(ids('MRN 004512')).toEqual(tagged);
    expect(ids('  mrn   004512 ')).toEqual(tagged);
    expect(ids('MRN 0045')).toEqual(tagged);
    expect(s.search('MRN 004512')[0]?.snippet).toBe('\u0002MRN 004512\u0003 needs a ride home');
    expect(s.search('MRN 7')).toEqual([]);
    s.close();
  });

  it('keeps unread counts exact without an unread index', () => {
    const s = openStore({ file: path.join(dir, 'unread.db'), key: randomBytes(32), create: true });
    const c = s.ensureConversation({ kind: 'direct', jid: 'peer@clinic.test' }).id;
    const ids = s
      .insertMessages(Array.from({ length: 10 }, (_, i) => ({ clientId: `u${i}`, conversationId: c, senderJid: 'p', body: `m${i}`, sentAt: i, direction: i === 4 ? ('out' as const) : ('in' as const) })))
      .map((r) => r.id);
    expect(s.getConversation(c)?.unreadCount).toBe(9);
    expect(s.advanceState('u8', 'read')).toBe(true);
    expect(s.getConversation(c)?.unreadCount).toBe(8);
    expect(s.markRead(c, ids[5] as number)).toEqual({ newlyRead: 5, unreadCount: 3 });
    expect(s.markRead(c, ids[3] as number)).toEqual({ newlyRead: 0, unreadCount: 3 });
    expect(s.markRead(c, ids[9] as number)).toEqual({ newlyRead: 3, unreadCount: 0 });
    expect(s.markRead(c, ids[9] as number)).toEqual({ newlyRead: 0, unreadCount: 0 });
    s.close();
  });
});
