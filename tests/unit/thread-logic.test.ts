import { describe, expect, it } from 'vitest';
import type { InboxEntry, Message } from '../../shared/contract/index.ts';
import { withInboxEntry, withMessage } from '../../renderer/src/api/answer-updates.ts';
import { firstUnread, RUN_GAP_MS, threadRows } from '../../renderer/src/messaging/thread-rows.ts';
import { foldAnswer } from '../../renderer/src/messaging/thread-window.ts';
import { nameForLocalPart } from '../../renderer/src/patients/colleague-name.ts';

const DAY = 86_400_000;
const BASE = new Date(2026, 10, 30, 9, 0).getTime();

function msg(id: number, at: number, from = 'ana@clinic.example', over: Partial<Message> = {}): Message {
  const direction = from === 'me@clinic.example' ? 'out' : 'in';
  return {
    id,
    clientId: `c${id}`,
    serverId: null,
    conversationId: 1,
    senderJid: from,
    body: `text ${id}`,
    sentAt: at,
    receivedAt: null,
    direction,
    state: direction === 'in' ? 'read' : 'sent',
    priority: 'normal',
    patientTag: null,
    editedAt: null,
    recalledAt: null,
    attachmentCount: 0,
    ...over,
  };
}

function entry(id: number, lastActivity: number, over: Partial<InboxEntry> = {}): InboxEntry {
  return {
    id,
    kind: 'direct',
    jid: `p${id}@clinic.example`,
    title: null,
    lastActivity,
    unreadCount: 0,
    muted: false,
    archived: false,
    pinned: false,
    preview: null,
    previewSenderJid: null,
    previewDirection: null,
    ...over,
  };
}

describe('conversation view: rows of a thread', () => {
  it('groups a run from one sender under one header, separates days, and puts the "new messages" line before the first unread', () => {
    const messages = [
      msg(1, BASE),
      msg(2, BASE + 60_000),
      msg(3, BASE + 60_000 + RUN_GAP_MS + 1),
      msg(4, BASE + 60_000 + RUN_GAP_MS + 2, 'me@clinic.example'),
      msg(5, BASE + DAY, 'ana@clinic.example', { state: 'delivered' }),
      msg(6, BASE + DAY + 1000, 'ana@clinic.example', { state: 'delivered' }),
    ];
    const rows = threadRows(messages, firstUnread(messages));
    expect(rows.map((r) => (r.kind === 'message' ? `${r.key}${r.grouped ? 'g' : ''}` : r.kind))).toEqual([
      'day',
      '1',
      '2g',
      '3', // more than RUN_GAP_MS later: a new header
      '4', // another sender
      'day',
      'new',
      '5',
      '6g',
    ]);
    expect(firstUnread(messages.slice(0, 4))).toBeNull();
    // A time no Date can hold gets no separator and never throws.
    expect(() => threadRows([msg(7, 8.64e15 + 1)], null)).not.toThrow();
  });
});

describe('conversation view: what events put in place', () => {
  it('a pushed message joins the open window only where the window reaches (no gap past a search window)', () => {
    const live = foldAnswer({ messages: [], olderCursor: null, newerCursor: null, loaded: false }, { messages: [msg(1, BASE), msg(2, BASE + 1)], olderCursor: 'o', newerCursor: null });
    const page = { messages: [...live.messages, msg(3, BASE + 2)], olderCursor: 'o', newerCursor: null };
    expect(foldAnswer(live, page).messages.map((m) => m.id)).toEqual([1, 2, 3]);

    const aroundHit = { ...live, newerCursor: 'n' };
    expect(foldAnswer(aroundHit, page).messages.map((m) => m.id)).toEqual([1, 2]);
    // A state change of a message on screen always lands.
    const read = { ...page, messages: [msg(1, BASE), { ...live.messages[1]!, state: 'delivered' as const }] };
    expect(foldAnswer(aroundHit, read).messages[1]?.state).toBe('delivered');
  });

  it('puts a message in time order or replaces it, and an inbox row at its place (archived rows leave)', () => {
    const page = { messages: [msg(1, BASE), msg(3, BASE + 2)], olderCursor: null, newerCursor: null };
    expect(withMessage(page, msg(2, BASE + 1)).messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(withMessage(page, { ...msg(3, BASE + 2), state: 'read' }).messages[1]?.state).toBe('read');

    const inbox = { entries: [entry(1, 300), entry(2, 200), entry(3, 100)], nextCursor: null };
    expect(withInboxEntry(inbox, entry(3, 400, { unreadCount: 2 }), false).entries.map((e) => [e.id, e.unreadCount])).toEqual([
      [3, 2],
      [1, 0],
      [2, 0],
    ]);
    expect(withInboxEntry(inbox, entry(9, 250), false).entries.map((e) => e.id)).toEqual([1, 9, 2, 3]);
    expect(withInboxEntry(inbox, entry(2, 200, { archived: true }), false).entries.map((e) => e.id)).toEqual([1, 3]);
  });

  it('keeps pinned rows in front in their pin order while a newer message moves only the rest', () => {
    const inbox = { entries: [entry(5, 10, { pinned: true }), entry(4, 20, { pinned: true }), entry(1, 300), entry(2, 200)], nextCursor: null };
    // A message in an unpinned conversation: first after the pinned, not above them.
    expect(withInboxEntry(inbox, entry(2, 900), false).entries.map((e) => e.id)).toEqual([5, 4, 2, 1]);
    // A message in a pinned one: it keeps its place among the pinned.
    expect(withInboxEntry(inbox, entry(4, 900, { pinned: true, unreadCount: 1 }), false).entries.map((e) => [e.id, e.unreadCount])).toEqual([
      [5, 0],
      [4, 1],
      [1, 0],
      [2, 0],
    ]);
    // Newly pinned: after the pinned ones; unpinned: back by activity; pinned and archived: still shown.
    expect(withInboxEntry(inbox, entry(2, 200, { pinned: true }), false).entries.map((e) => e.id)).toEqual([5, 4, 2, 1]);
    expect(withInboxEntry(inbox, entry(5, 10), false).entries.map((e) => e.id)).toEqual([4, 1, 2, 5]);
    expect(withInboxEntry(inbox, entry(4, 20, { pinned: true, archived: true }), false).entries.map((e) => e.id)).toEqual([5, 4, 1, 2]);
  });
});

describe('names of colleagues', () => {
  it('names a colleague known by a local part (a patient conversation) by their directory name', () => {
    const directory = [
      { jid: 'alice@clinic.example', displayName: 'Alice Moreno', presence: null },
      { jid: 'alicia@clinic.example', displayName: 'Alicia Ruiz', presence: null },
    ];
    expect(nameForLocalPart('alice', directory)).toBe('Alice Moreno');
    expect(nameForLocalPart('bob', directory)).toBe('bob');
    expect(nameForLocalPart('alice', null)).toBe('alice');
  });
});
