import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationsHandlers } from '../../electron/core/ipc/handlers/conversations.ts';
import { MAX_PINNED } from '../../electron/core/store/conversation-ops.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { methods } from '../../shared/contract/index.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

/* Pin, mute and "mark unread" (issue 11): ordering, counts, persistence across a restart, over a real encrypted store. */

let dir: string;
let file: string;
let key: Buffer;
let clock: number;
let store: Store;
const open = () => openStore({ file, key, create: true, now: () => clock });
const ctx = { transport: 'bridge' as const };
const handlers = () => conversationsHandlers({ requireStore: () => store });

beforeEach(() => {
  dir = makeTempDir('inbox-prefs');
  file = path.join(dir, 'store.db');
  key = randomBytes(32);
  clock = Date.UTC(2026, 11, 1, 9);
  store = open();
});
afterEach(() => {
  store.close();
  removeTempDir(dir);
});

/** Five conversations, c0 the oldest, each with one incoming message at its own time. */
function seed(): number[] {
  return [0, 1, 2, 3, 4].map((i) => {
    const c = store.ensureConversation({ kind: i === 2 ? 'room' : 'direct', jid: `c${i}@clinic.test` });
    store.insertMessage({ clientId: `m${i}`, conversationId: c.id, senderJid: `c${i}@clinic.test`, body: `note ${i}`, sentAt: 1000 + i, direction: 'in' });
    return c.id;
  });
}

const order = async (limit = 50) => (await handlers()['conversations.inbox']({ limit }, ctx)).entries.map((e) => e.jid);

describe('inbox: pin, mute, mark unread', () => {
  it('lists pinned conversations first in the order they were pinned, then the rest by activity, and keeps it after a restart', async () => {
    const ids = seed();
    const h = handlers();
    expect(await order()).toEqual(['c4', 'c3', 'c2', 'c1', 'c0'].map((c) => `${c}@clinic.test`));

    clock += 1;
    const pinned = await h['conversations.pin']({ conversationId: ids[1]!, pinned: true }, ctx);
    expect(methods['conversations.pin'].response.parse(pinned)).toMatchObject({ pinned: true, muted: false });
    clock += 1;
    await h['conversations.pin']({ conversationId: ids[2]!, pinned: true }, ctx);
    // Pinning again keeps its place among the pinned.
    clock += 1;
    await h['conversations.pin']({ conversationId: ids[1]!, pinned: true }, ctx);
    const expected = ['c1', 'c2', 'c4', 'c3', 'c0'].map((c) => `${c}@clinic.test`);
    expect(await order()).toEqual(expected);

    // A new message does not lift an unpinned conversation above the pinned ones.
    store.insertMessage({ clientId: 'late', conversationId: ids[0]!, senderJid: 'c0@clinic.test', body: 'late', sentAt: 5000, direction: 'in' });
    expect(await order()).toEqual(['c1', 'c2', 'c0', 'c4', 'c3'].map((c) => `${c}@clinic.test`));

    // Paging: every conversation once, pinned on the first page only.
    const first = await h['conversations.inbox']({ limit: 3 }, ctx);
    const second = await h['conversations.inbox']({ limit: 3, before: first.nextCursor! }, ctx);
    expect([...first.entries, ...second.entries].map((e) => e.jid)).toEqual(['c1', 'c2', 'c0', 'c4', 'c3'].map((c) => `${c}@clinic.test`));
    expect(second.nextCursor).toBeNull();

    store.close();
    store = open();
    expect(await order()).toEqual(['c1', 'c2', 'c0', 'c4', 'c3'].map((c) => `${c}@clinic.test`));
    const entries = (await handlers()['conversations.inbox']({}, ctx)).entries;
    expect(entries.filter((e) => e.pinned).map((e) => e.jid)).toEqual(['c1@clinic.test', 'c2@clinic.test']);

    await handlers()['conversations.pin']({ conversationId: ids[1]!, pinned: false }, ctx);
    expect(await order()).toEqual(['c2', 'c0', 'c4', 'c3', 'c1'].map((c) => `${c}@clinic.test`));
  });

  it(`refuses a pin beyond ${MAX_PINNED} with a code and changes nothing`, async () => {
    const ids = Array.from({ length: MAX_PINNED + 1 }, (_, i) => store.ensureConversation({ kind: 'direct', jid: `p${i}@clinic.test` }).id);
    for (const id of ids.slice(0, MAX_PINNED)) store.setConversationFlags(id, { pinned: true });
    expect(() => handlers()['conversations.pin']({ conversationId: ids[MAX_PINNED]!, pinned: true }, ctx)).toThrow(
      expect.objectContaining({ code: 'too_many_pins' }),
    );
    expect(store.getConversation(ids[MAX_PINNED]!)?.pinned).toBe(false);
    // The answer stays within the contract's bounds with every pin in use.
    const page = await handlers()['conversations.inbox']({ limit: 200 }, ctx);
    expect(methods['conversations.inbox'].response.parse(page).entries).toHaveLength(MAX_PINNED + 1);
  });

  it('mute is kept across a restart; mark unread restores the badge of the newest incoming message until it is read again', async () => {
    const ids = seed();
    const h = handlers();
    const conv = ids[3]!;
    const last = store.messagesPage(conv, {}).messages.at(-1)!;
    expect((await h['conversations.markRead']({ conversationId: conv, upToMessageId: last.id }, ctx)).unreadCount).toBe(0);

    const muted = await h['conversations.mute']({ conversationId: conv, muted: true }, ctx);
    expect(muted).toEqual({ conversationId: conv, pinned: false, muted: true, unreadCount: 0 });
    const marked = await h['conversations.markUnread']({ conversationId: conv }, ctx);
    expect(methods['conversations.markUnread'].response.parse(marked)).toEqual({ conversationId: conv, pinned: false, muted: true, unreadCount: 1 });
    // Twice is still one.
    expect((await h['conversations.markUnread']({ conversationId: conv }, ctx)).unreadCount).toBe(1);

    store.close();
    store = open();
    const row = (await handlers()['conversations.inbox']({}, ctx)).entries.find((e) => e.id === conv)!;
    expect(row).toMatchObject({ muted: true, unreadCount: 1 });
    // The "new messages" line goes before the first message still unread: that newest one.
    expect(store.messagesPage(conv, {}).messages.at(-1)).toMatchObject({ id: last.id, state: 'delivered' });
    expect((await handlers()['conversations.markRead']({ conversationId: conv, upToMessageId: last.id }, ctx)).unreadCount).toBe(0);
  });

  it('refuses an unknown conversation with not_found', () => {
    const h = handlers();
    expect(() => h['conversations.markUnread']({ conversationId: 999 }, ctx)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => h['conversations.mute']({ conversationId: 999, muted: true }, ctx)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('a reply previews its own text, not the quote it starts with', async () => {
    const c = store.ensureConversation({ kind: 'room', jid: 'desk@rooms.clinic.test' });
    const first = store.insertMessage({ clientId: 'q1', conversationId: c.id, senderJid: 'desk@rooms.clinic.test/Ana', body: 'Room 2 is ready', sentAt: 1, direction: 'in' });
    store.insertMessage({ clientId: 'q2', conversationId: c.id, senderJid: 'desk@rooms.clinic.test/Ben', body: '> Room 2 is ready\nOn my way', sentAt: 2, direction: 'in', replyToId: first.id });
    const entry = (await handlers()['conversations.inbox']({}, ctx)).entries.find((e) => e.id === c.id);
    expect(entry?.preview).toBe('On my way');
  });
});
