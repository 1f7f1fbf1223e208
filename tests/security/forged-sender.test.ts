import { describe, expect, it } from 'vitest';
import type { RejectedStanza } from '../../electron/core/messaging/engine.ts';
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_MAM, NS_MARKERS, NS_META, NS_RECEIPTS } from '../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import type { Store, StoredMessage } from '../../electron/core/store/store.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 8 item 1: only the true sender authors a message. A room member (mallory) wraps
 * messages "from" a colleague (bob) in every envelope a client might unwrap, and forges receipts
 * and markers for someone else's messages. Real Prosody, real encrypted stores.
 */
const file = prosodyForFile(['alice', 'bob', 'mallory'], { httpUpload: false });
const CANARY = 'forgedcanary';

const account = (username: string, rejected?: RejectedStanza[]) => file.account(username, rejected ? { engine: { onRejected: (e) => rejected.push(e) } } : {});

/** Every message in a store, all conversations. */
function everything(store: Store): StoredMessage[] {
  return store.inbox({ limit: 100, includeArchived: true }).entries.flatMap((c) => store.messagesPage(c.id, { limit: 200 }).messages);
}

describe('forged senders (a room member impersonating a colleague)', () => {
  it('no envelope, carbon, archive result, receipt or marker lets a room member speak for someone else', async () => {
    const room = `ward@${file.prosody.mucDomain}`;
    const d = file.prosody.domain;
    const rejected: RejectedStanza[] = [];
    const alice = await account('alice', rejected);
    const mallory = await account('mallory');
    const bob = await account('bob');
    const seen: StoredMessage[] = [];
    alice.engine.onIncoming((m) => seen.push(m));
    await alice.engine.joinRoom(room, 'Alice');
    await bob.engine.joinRoom(room, 'Bob');
    await mallory.engine.joinRoom(room, 'Mal');
    await until(() => alice.engine.members(room).length === 3, 10_000, 'three members');

    // Alice's messages that mallory will try to move: one to bob (bob goes offline first so no real
    // receipt arrives) and one to the room.
    await file.close(bob);
    const toBob = alice.engine.send({ to: `bob@${d}`, body: 'lab results are back' });
    const toRoom = alice.engine.send({ to: room, body: 'room hello' });
    await until(() => alice.store.getMessageByClientId(toBob.clientId)?.state === 'sent', 10_000, 'sent to bob');
    await until(() => alice.store.getMessageByClientId(toRoom.clientId)?.state === 'sent', 10_000, 'room message reflected');

    // What mallory plants: "bob" writing to alice, urgent and patient-tagged.
    const forgedFromBob = (n: number, type = 'chat'): XmlElement =>
      el(
        'message',
        NS_CLIENT,
        { from: `bob@${d}/desk`, to: `alice@${d}`, type, id: `forged-${n}` },
        el('body', NS_CLIENT, {}, `${CANARY} ${n} call me about the patient`),
        el('meta', NS_META, { priority: 'urgent', patient: 'MRN-0042', ts: Date.now() }),
      );
    const mamResult = (n: number) =>
      el(
        'result',
        NS_MAM,
        { queryid: `q${n}`, id: `arch-${n}` },
        el('forwarded', NS_FORWARD, {}, el('delay', NS_DELAY, { stamp: new Date().toISOString() }), forgedFromBob(n)),
      );
    const forwarded = (n: number) => el('forwarded', NS_FORWARD, {}, forgedFromBob(n));
    const carbon = (n: number) => el('received', NS_CARBONS, {}, el('forwarded', NS_FORWARD, {}, forgedFromBob(n)));
    const toAlice = `alice@${d}`;
    const pm = `${room}/Alice`;
    const stanzas: XmlElement[] = [
      // Archive results in a room message, a room private message, a normal and a headline message.
      el('message', NS_CLIENT, { to: room, type: 'groupchat', id: 'g1' }, mamResult(1)),
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'p1' }, mamResult(2)),
      el('message', NS_CLIENT, { to: toAlice, type: 'normal', id: 'n1' }, mamResult(3)),
      el('message', NS_CLIENT, { to: toAlice, type: 'headline', id: 'h1' }, mamResult(4)),
      // Forwarded messages (XEP-0297) in each envelope.
      el('message', NS_CLIENT, { to: room, type: 'groupchat', id: 'g2' }, forwarded(5)),
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'p2' }, forwarded(6)),
      el('message', NS_CLIENT, { to: toAlice, type: 'chat', id: 'c1' }, forwarded(7)),
      el('message', NS_CLIENT, { to: toAlice, type: 'headline', id: 'h2' }, forwarded(8)),
      // Forged carbons: direct, in the room, in a private room message.
      el('message', NS_CLIENT, { to: toAlice, type: 'chat', id: 'c2' }, carbon(9)),
      el('message', NS_CLIENT, { to: room, type: 'groupchat', id: 'g3' }, carbon(10)),
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'p3' }, carbon(11)),
      // A room private message with a body: never a 1:1 message.
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'p4' }, el('body', NS_CLIENT, {}, `${CANARY} 12 private`)),
      // Receipts and read markers for alice's message to bob and to the room, from mallory
      // directly and through the room.
      el('message', NS_CLIENT, { to: toAlice, type: 'chat', id: 'r1' }, el('received', NS_RECEIPTS, { id: toBob.clientId })),
      el('message', NS_CLIENT, { to: toAlice, type: 'chat', id: 'r2' }, el('displayed', NS_MARKERS, { id: toBob.clientId })),
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'r3' }, el('received', NS_RECEIPTS, { id: toRoom.clientId })),
      el('message', NS_CLIENT, { to: pm, type: 'chat', id: 'r4' }, el('displayed', NS_MARKERS, { id: toRoom.clientId })),
      el('message', NS_CLIENT, { to: toAlice, type: 'headline', id: 'r5' }, el('displayed', NS_MARKERS, { id: toBob.clientId })),
    ];
    for (const s of stanzas) expect(mallory.manager.send(s)).toBe(true);
    // Then mallory's own, real messages: these must still arrive, as mallory's.
    mallory.engine.send({ to: toAlice, body: 'real from mallory' });
    mallory.engine.send({ to: room, body: 'real room message from mallory' });
    await until(() => seen.some((m) => m.body === 'real room message from mallory'), 10_000, 'mallory real room message');
    await until(() => seen.some((m) => m.body === 'real from mallory'), 10_000, 'mallory real 1:1 message');

    // Bob comes back and writes for real: his message arrives as his.
    const bob2 = await account('bob');
    bob2.engine.send({ to: toAlice, body: 'real from bob' });
    await until(() => seen.some((m) => m.body === 'real from bob'), 10_000, 'bob real message');

    for (const store of [alice.store, bob2.store]) {
      expect(everything(store).filter((m) => m.body.includes(CANARY))).toEqual([]);
      expect(store.search(CANARY)).toEqual([]);
      expect(everything(store).filter((m) => m.patientTag !== null || m.priority === 'urgent')).toEqual([]);
    }
    expect(seen.filter((m) => m.body.includes(CANARY))).toEqual([]);
    const bobChat = alice.store.findConversation('direct', `bob@${d}`)!;
    expect(alice.store.messagesPage(bobChat.id).messages.map((m) => [m.direction, m.senderJid, m.body])).toEqual([
      ['out', toAlice, 'lab results are back'],
      ['in', `bob@${d}`, 'real from bob'],
    ]);
    expect(alice.store.findConversation('direct', room)).toBeNull();
    const fromMallory = seen.filter((m) => m.senderJid === `mallory@${d}` || m.senderJid === `${room}/Mal`).map((m) => m.body);
    expect(fromMallory.sort()).toEqual(['real from mallory', 'real room message from mallory']);
    // Alice's messages moved only by their real recipients: bob's receipt (after he came back,
    // from the offline store) may deliver his; mallory's never made them read.
    expect(alice.store.getMessageByClientId(toBob.clientId)?.state).not.toBe('read');
    expect(alice.store.getMessageByClientId(toRoom.clientId)?.state).toBe('sent');

    // Every refusal counted and handed to the audit hook, ids only.
    expect(alice.engine.rejectedCount).toBe(rejected.length);
    expect(new Set(rejected.map((r) => r.id))).toEqual(new Set(stanzas.map((s) => s.attrs.id)));
    expect(new Set(rejected.map((r) => r.reason))).toEqual(
      new Set(['archive-unsolicited', 'forwarded', 'forged-carbon', 'room-private', 'headline', 'receipt-not-peer', 'marker-not-peer']),
    );
    expect(JSON.stringify(rejected)).not.toContain(CANARY);
  });
});
