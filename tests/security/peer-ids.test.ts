import { describe, expect, it } from 'vitest';
import { buildChat } from '../../node-shared/xmpp/stanzas.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 8 item 6 (first bullet): message ids from peers are scoped to their conversation and
 * sender. Mallory reuses ids she has seen (ids travel in clear through rooms and receipts).
 */
const file = prosodyForFile(['alice', 'bob', 'mallory'], { httpUpload: false });
const account = (username: string) => file.account(username);

describe('peer message ids are scoped to their conversation and sender', () => {
  it('a reused id neither folds into another conversation nor acknowledges one of our queued messages', async () => {
    const d = file.prosody.domain;
    const room = `ward@${file.prosody.mucDomain}`;
    const [alice, bob, mallory] = [await account('alice'), await account('bob'), await account('mallory')];
    await alice.engine.joinRoom(room, 'Alice');
    await mallory.engine.joinRoom(room, 'Mal');
    await until(() => alice.engine.members(room).length === 2, 10_000, 'members');

    // Bob writes to alice; mallory reuses that id, 1:1 and in the room.
    const fromBob = bob.engine.send({ to: `alice@${d}`, body: 'from bob' });
    await until(() => alice.store.getMessageByClientId(fromBob.clientId) !== null, 10_000, 'bob arrives');
    const bobRow = alice.store.getMessageByClientId(fromBob.clientId)!;
    const reuse = (to: string, type: 'chat' | 'groupchat', id: string, body: string) =>
      mallory.manager.send(buildChat({ to, id, body, sentAt: Date.now(), priority: 'normal', patientTag: null, type }));
    reuse(`alice@${d}`, 'chat', fromBob.clientId, 'mallory 1:1 with bob id');
    reuse(room, 'groupchat', fromBob.clientId, 'mallory room with bob id');

    // One of alice's messages to bob waits in her outbox (as after a restart, not yet sent);
    // mallory reuses its id in the room and 1:1.
    const bobChat = alice.store.ensureConversation({ kind: 'direct', jid: `bob@${d}` });
    const queuedId = 'alice-queued-0001';
    alice.store.enqueueOutgoing({ clientId: queuedId, conversationId: bobChat.id, senderJid: `alice@${d}`, body: 'waiting for bob', sentAt: Date.now() });
    reuse(room, 'groupchat', queuedId, 'mallory room with alice queued id');
    reuse(`alice@${d}`, 'chat', queuedId, 'mallory 1:1 with alice queued id');

    const malloryChat = () => alice.store.findConversation('direct', `mallory@${d}`);
    const roomChat = () => alice.store.findConversation('room', room);
    const bodiesIn = (id: number | undefined) => (id === undefined ? [] : alice.store.messagesPage(id).messages.map((m) => [m.direction, m.senderJid, m.body]));
    await until(() => bodiesIn(malloryChat()?.id).length === 2 && bodiesIn(roomChat()?.id).length === 2, 10_000, 'mallory messages stored');

    expect(bodiesIn(malloryChat()!.id)).toEqual([
      ['in', `mallory@${d}`, 'mallory 1:1 with bob id'],
      ['in', `mallory@${d}`, 'mallory 1:1 with alice queued id'],
    ]);
    expect(bodiesIn(roomChat()!.id)).toEqual([
      ['in', `${room}/Mal`, 'mallory room with bob id'],
      ['in', `${room}/Mal`, 'mallory room with alice queued id'],
    ]);
    // Bob's message is untouched, and alice's queued message is still queued, in her outbox.
    expect(alice.store.getMessageByClientId(fromBob.clientId)).toEqual(bobRow);
    expect(alice.store.getMessageByClientId(queuedId)?.state).toBe('queued');
    expect(alice.store.outboxSize()).toBe(1);

    // It still goes out for real on the next session, and bob gets it once.
    alice.manager.dropSocket();
    await until(() => alice.store.getMessageByClientId(queuedId)?.state === 'delivered', 15_000, 'queued message delivered');
    const atBob = bob.store.messagesPage(bob.store.findConversation('direct', `alice@${d}`)!.id).messages.filter((m) => m.direction === 'in').map((m) => m.body);
    expect(atBob).toEqual(['waiting for bob']);

    // Read markers name the id the peer gave: mallory's message stored under a scoped id is
    // marked read with mallory's own id.
    const scoped = alice.store.messagesPage(malloryChat()!.id).messages[0]!;
    expect(scoped.clientId).not.toBe(fromBob.clientId);
    alice.engine.markRead(malloryChat()!.id, scoped.id);
    expect(alice.store.getMessageByClientId(fromBob.clientId)?.state).toBe('delivered');
  });
});
