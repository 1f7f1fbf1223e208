import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { SEARCH_WINDOW } from '../../electron/core/store/messages.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dir: string;
let file: string;
let key: Buffer;
let clock: number;
const now = () => clock;
const open = (extra: Partial<Parameters<typeof openStore>[0]> = {}) => openStore({ file, key, create: true, now, ...extra });

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof CoreError ? err.code : `untyped:${String(err)}`;
  }
  return undefined;
};

beforeEach(() => {
  dir = makeTempDir('store');
  file = path.join(dir, 'store.db');
  key = randomBytes(32);
  clock = Date.UTC(2026, 0, 10);
});
afterEach(() => removeTempDir(dir));

function seedConversation(store: Store, jid = 'bob@clinic.test') {
  return store.ensureConversation({ kind: 'direct', jid, title: 'Bob' });
}

describe('store: open, close, keys', () => {
  it('creates, closes with an empty WAL, and reopens with the same data', () => {
    const s = open();
    const c = seedConversation(s);
    s.insertMessage({ clientId: 'a1', conversationId: c.id, senderJid: c.jid, body: 'first', sentAt: 1, direction: 'in' });
    s.close();
    expect(s.isOpen).toBe(false);
    expect(codeOf(() => s.inbox())).toBe('locked');
    s.close(); // idempotent
    const wal = `${file}-wal`;
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    const again = open({ create: false });
    expect(again.getMessageByClientId('a1')?.body).toBe('first');
    expect(again.integrityCheck()).toEqual(['ok']);
    again.close();
  });

  it('is encrypted: the file does not start with the SQLite plaintext header', () => {
    open().close();
    expect(fs.readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });

  it('refuses a wrong key as wrong_password and a missing file as not_found', () => {
    open().close();
    expect(codeOf(() => openStore({ file, key: randomBytes(32) }))).toBe('wrong_password');
    expect(codeOf(() => openStore({ file: path.join(dir, 'nope.db'), key }))).toBe('not_found');
    expect(fs.existsSync(path.join(dir, 'nope.db'))).toBe(false);
    expect(() => openStore({ file, key: randomBytes(16) })).toThrow(TypeError);
  });

  it('reports a page-1 failure as damaged_store when the key is known good', () => {
    open().close();
    expect(codeOf(() => openStore({ file, key: randomBytes(32), keyVerified: true }))).toBe('damaged_store');
  });

  it('rekeys in WAL mode: the new key opens it, the old key no longer does', () => {
    const s = open();
    const c = seedConversation(s);
    for (let i = 0; i < 500; i++) {
      s.insertMessage({ clientId: `m${i}`, conversationId: c.id, senderJid: c.jid, body: `text ${i}`, sentAt: i, direction: 'in' });
    }
    const next = randomBytes(32);
    s.rekey(next);
    s.insertMessage({ clientId: 'after', conversationId: c.id, senderJid: c.jid, body: 'after rekey', sentAt: 999, direction: 'in' });
    s.close();
    expect(codeOf(() => openStore({ file, key }))).toBe('wrong_password');
    const r = openStore({ file, key: next });
    expect(r.messagesPage(c.id, { limit: 200 }).messages.at(-1)?.body).toBe('after rekey');
    expect(r.integrityCheck()).toEqual(['ok']);
    r.close();
  });
});

describe('store: messages', () => {
  let s: Store;
  beforeEach(() => {
    s = open();
  });
  afterEach(() => s.close());

  it('folds duplicates by client id and by server stanza-id into one row', () => {
    const c = seedConversation(s);
    const base = { conversationId: c.id, senderJid: c.jid, body: 'hi', sentAt: 10, direction: 'in' as const };
    const first = s.insertMessage({ ...base, clientId: 'x1' });
    expect(first.inserted).toBe(true);
    expect(s.insertMessage({ ...base, clientId: 'x1' })).toEqual({ id: first.id, inserted: false });
    // The MAM copy brings the stanza-id: merged into the same row.
    expect(s.insertMessage({ ...base, clientId: 'x1', serverId: 'S1' })).toEqual({ id: first.id, inserted: false });
    // A carbon with another client id but the same stanza-id folds too.
    expect(s.insertMessage({ ...base, clientId: 'other', serverId: 'S1' })).toEqual({ id: first.id, inserted: false });
    expect(s.getMessageByServerId(c.id, 'S1')?.clientId).toBe('x1');
    expect(s.getConversation(c.id)?.unreadCount).toBe(1);
  });

  it('never moves a state backwards', () => {
    const c = seedConversation(s);
    s.enqueueOutgoing({ clientId: 'o1', conversationId: c.id, senderJid: 'me@clinic.test', body: 'x', sentAt: 1 });
    expect(s.advanceState('o1', 'read')).toBe(true);
    expect(s.advanceState('o1', 'delivered')).toBe(false);
    expect(s.advanceState('o1', 'sent')).toBe(false);
    expect(s.advanceState('o1', 'failed')).toBe(false);
    expect(s.getMessageByClientId('o1')?.state).toBe('read');
    // A duplicate insert carrying an older state does not regress it either.
    s.insertMessage({ clientId: 'o1', conversationId: c.id, senderJid: 'me', body: 'x', sentAt: 1, direction: 'out', state: 'sent' });
    expect(s.getMessageByClientId('o1')?.state).toBe('read');
    expect(codeOf(() => s.advanceState('missing', 'read'))).toBe('not_found');
  });

  it('pages with keyset cursors in both directions without gaps or overlaps', () => {
    const c = seedConversation(s);
    // Same timestamps on purpose: the id breaks ties.
    for (let i = 0; i < 130; i++) {
      s.insertMessage({ clientId: `p${i}`, conversationId: c.id, senderJid: c.jid, body: `n${i}`, sentAt: Math.floor(i / 3), direction: 'in' });
    }
    const seen: string[] = [];
    let page = s.messagesPage(c.id, { limit: 50 });
    expect(page.newerCursor).toBeNull();
    seen.unshift(...page.messages.map((m) => m.body));
    while (page.olderCursor !== null) {
      page = s.messagesPage(c.id, { before: page.olderCursor, limit: 50 });
      seen.unshift(...page.messages.map((m) => m.body));
    }
    expect(seen).toEqual(Array.from({ length: 130 }, (_, i) => `n${i}`));
    const firstPage = s.messagesPage(c.id, { before: s.messagesPage(c.id, { limit: 100 }).olderCursor as string, limit: 50 });
    expect(firstPage.messages.map((m) => m.body)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    const forward = s.messagesPage(c.id, { after: firstPage.newerCursor as string, limit: 10 });
    expect(forward.messages[0]?.body).toBe('n30');
    expect(codeOf(() => s.messagesPage(c.id, { before: 'not a cursor' }))).toBe('invalid_request');
    expect(codeOf(() => s.messagesPage(c.id, { limit: 100000 }))).toBeUndefined();
    expect(s.messagesPage(c.id, { limit: 100000 }).messages).toHaveLength(130);
  });

  it('lists the inbox by last activity with unread counts and previews, and marks read', () => {
    const a = seedConversation(s, 'a@clinic.test');
    const b = s.ensureConversation({ kind: 'room', jid: 'frontdesk@rooms.clinic.test', title: 'Front desk' });
    s.insertMessage({ clientId: 'a1', conversationId: a.id, senderJid: a.jid, body: 'older', sentAt: 100, direction: 'in' });
    s.insertMessage({ clientId: 'b1', conversationId: b.id, senderJid: 'x@c', body: 'first\nline  ' + 'long '.repeat(100), sentAt: 200, direction: 'in' });
    const b2 = s.insertMessage({ clientId: 'b2', conversationId: b.id, senderJid: 'y@c', body: 'newest in b', sentAt: 300, direction: 'in' });
    // History from MAM arrives late and older: it must not become the preview.
    s.insertMessage({ clientId: 'b0', conversationId: b.id, senderJid: 'y@c', body: 'ancient', sentAt: 50, direction: 'in' });
    const inbox = s.inbox();
    expect(inbox.entries.map((e) => e.jid)).toEqual([b.jid, a.jid]);
    expect(inbox.entries[0]).toMatchObject({ unreadCount: 3, preview: 'newest in b', lastActivity: 300, kind: 'room' });
    const r = s.markRead(b.id, b2.id);
    expect(r).toEqual({ newlyRead: 3, unreadCount: 0 });
    expect(s.markRead(b.id, b2.id).newlyRead).toBe(0);
    expect(codeOf(() => s.markRead(a.id, b2.id))).toBe('not_found');
    const paged = s.inbox({ limit: 1 });
    expect(paged.entries).toHaveLength(1);
    expect(s.inbox({ limit: 1, before: paged.nextCursor as string }).entries[0]?.jid).toBe(a.jid);
    s.setConversationFlags(a.id, { archived: true });
    expect(s.inbox().entries.map((e) => e.jid)).toEqual([b.jid]);
    expect(s.inbox({ includeArchived: true }).entries).toHaveLength(2);
  });

  it('searches with FTS5, ranked, with snippets, safely quoting operators', () => {
    const c = seedConversation(s);
    const bodies = ['Insurance card needed for the appointment', 'appointment moved to Tuesday', 'lunch?', 'Café reopened'];
    bodies.forEach((body, i) => s.insertMessage({ clientId: `s${i}`, conversationId: c.id, senderJid: c.jid, body, sentAt: i, direction: 'in' }));
    const hits = s.search('appointment');
    expect(hits).toHaveLength(2);
    expect(hits[0]?.snippet).toContain('\u0002appointment\u0003');
    expect(s.search('appoint').length).toBe(2); // prefix on the last word
    expect(s.search('cafe').map((h) => h.messageId)).toHaveLength(1); // diacritics folded
    expect(s.search('"unbalanced OR NEAR( *')).toEqual([]);
    expect(s.search('   ')).toEqual([]);
    s.editMessage('s2', 'lunch appointment?', 10);
    expect(s.search('lunch appointment')).toHaveLength(1);
    s.recallMessage('s0', 11);
    expect(s.search('insurance')).toEqual([]);
    expect(s.getMessageByClientId('s0')).toMatchObject({ body: '', recalledAt: 11 });
  });

  it('inserts a batch in one transaction and ranks search hits within the most recent matches', () => {
    const c = seedConversation(s);
    const batch = Array.from({ length: SEARCH_WINDOW + 200 }, (_, i) => ({
      clientId: `b${i}`,
      serverId: `srv${i}`,
      conversationId: c.id,
      senderJid: c.jid,
      body: i === 5 ? 'wheelchair wheelchair wheelchair' : `wheelchair request ${i}`,
      sentAt: i,
      direction: 'in' as const,
    }));
    const results = s.insertMessages(batch);
    expect(results.every((r) => r.inserted)).toBe(true);
    expect(s.insertMessages(batch.slice(0, 3)).map((r) => r.inserted)).toEqual([false, false, false]);
    const hits = s.search('wheelchair', 100);
    expect(hits).toHaveLength(100);
    // Only the newest SEARCH_WINDOW matches are ranked: the old best match (i = 5) is outside it.
    const oldest = Math.min(...hits.map((h) => h.messageId));
    expect(oldest).toBeGreaterThan((results[199] as { id: number }).id);
    expect(hits.map((h) => h.rank)).toEqual([...hits.map((h) => h.rank)].sort((a, b) => a - b));
    expect(s.getConversation(c.id)?.unreadCount).toBe(SEARCH_WINDOW + 200);
  });

  it('writes outgoing messages to the outbox before sending and drains in order', () => {
    const c = seedConversation(s);
    const ids = ['q1', 'q2', 'q3', 'q4'];
    for (const id of ids) s.enqueueOutgoing({ clientId: id, conversationId: c.id, senderJid: 'me@c', body: id, sentAt: clock });
    // A resend of a queued message keeps one outbox entry.
    expect(s.enqueueOutgoing({ clientId: 'q2', conversationId: c.id, senderJid: 'me@c', body: 'q2', sentAt: clock }).inserted).toBe(false);
    expect(s.outboxDue().map((e) => e.message.clientId)).toEqual(ids);
    expect(s.outboxAck('q1', 'srv-q1')).toBe(true);
    expect(s.getMessageByClientId('q1')).toMatchObject({ state: 'sent', serverId: 'srv-q1' });
    s.outboxRetryLater('q2', clock + 60_000);
    expect(s.outboxDue().map((e) => e.message.clientId)).toEqual(['q3', 'q4']);
    expect(s.outboxDue(clock + 60_000)[0]).toMatchObject({ attempts: 1, message: { clientId: 'q2' } });
    s.outboxGiveUp('q3');
    expect(s.getMessageByClientId('q3')?.state).toBe('failed');
    expect(s.requeue('q3')).toBe(true);
    expect(s.outboxDue(clock + 60_000).map((e) => e.message.clientId)).toEqual(['q2', 'q4', 'q3']);
    // A resend of a message that was already acknowledged does not queue it again.
    s.enqueueOutgoing({ clientId: 'q1', conversationId: c.id, senderJid: 'me@c', body: 'q1', sentAt: clock });
    expect(s.outboxSize()).toBe(3);
    expect(codeOf(() => s.enqueueOutgoing({ clientId: 'z', conversationId: 9999, senderJid: 'me', body: 'x', sentAt: 1 }))).toBe('not_found');
  });

  it('purges messages older than the retention period, with their attachments and search entries', async () => {
    const c = seedConversation(s);
    const day = 86_400_000;
    const old = s.insertMessage({ clientId: 'old', conversationId: c.id, senderJid: c.jid, body: 'expired zebra', sentAt: clock - 40 * day, direction: 'in' });
    s.insertMessage({ clientId: 'new', conversationId: c.id, senderJid: c.jid, body: 'fresh zebra', sentAt: clock - day, direction: 'in' });
    const att = await s.attachments.add({ messageId: old.id, fileName: 'x.txt', mime: 'text/plain', data: Buffer.from('old file') });
    expect(fs.readdirSync(path.join(dir, 'attachments'))).toHaveLength(1);
    expect(await s.purge(30)).toEqual({ messages: 1, attachments: 1 });
    expect(s.getMessageByClientId('old')).toBeNull();
    expect(s.attachments.get(att.id)).toBeNull();
    expect(fs.readdirSync(path.join(dir, 'attachments'))).toHaveLength(0);
    expect(s.search('zebra').map((h) => h.messageId)).toHaveLength(1);
    expect(s.getConversation(c.id)?.unreadCount).toBe(1);
    expect(s.integrityCheck()).toEqual(['ok']);
  });

  it('keeps settings and sync state', () => {
    expect(s.getSetting('theme')).toBeNull();
    s.setSetting('theme', 'dark');
    s.setSetting('theme', 'light');
    expect(s.getSetting('theme')).toBe('light');
    s.deleteSetting('theme');
    expect(s.getSetting('theme')).toBeNull();
    s.setSyncState('bob@clinic.test', 'stanza-9');
    expect(s.getSyncState('bob@clinic.test')).toBe('stanza-9');
    s.upsertContact({ jid: 'bob@clinic.test', displayName: 'Bob' });
    s.upsertContact({ jid: 'bob@clinic.test', presence: 'away', presenceAt: 5 });
    expect(s.getContact('bob@clinic.test')).toEqual({ jid: 'bob@clinic.test', displayName: 'Bob', presence: 'away', presenceAt: 5 });
  });
});
