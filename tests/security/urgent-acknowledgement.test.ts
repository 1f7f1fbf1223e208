import { describe, expect, it } from 'vitest';
import type { RejectedStanza } from '../../electron/core/messaging/engine.ts';
import { buildAcknowledgement } from '../../electron/core/messaging/urgent.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 11: an urgent message is acknowledged by its recipient, and the sender sees who and when.
 * Only the recipient may acknowledge: another colleague (or the sender's own room message, or a
 * message that is not urgent) must not silence an alert. Real Prosody, real encrypted stores.
 */
const file = prosodyForFile(['alice', 'bob', 'mallory'], { httpUpload: false });

describe('acknowledging urgent messages', () => {
  it('1:1: the recipient acknowledges and the sender sees it; a third party’s forged acknowledgement is refused', async () => {
    const rejected: RejectedStanza[] = [];
    const alice = await file.account('alice', { engine: { onRejected: (e) => rejected.push(e) } });
    const bob = await file.account('bob');
    const mallory = await file.account('mallory');
    const acknowledged: number[] = [];
    alice.engine.onAcknowledged((a) => acknowledged.push(a.messageId));

    const urgent = alice.engine.send({ to: bob.jid, body: 'Patient in room 3 is bleeding', priority: 'urgent' });
    const normal = alice.engine.send({ to: bob.jid, body: 'Lunch at one' });
    await until(() => bob.store.getMessageByClientId(normal.clientId) !== null, 10_000, 'bob got both');
    const received = bob.store.getMessageByClientId(urgent.clientId)!;
    expect(bob.store.pendingUrgent(0, 10).map((p) => p.messageId)).toEqual([received.id]);

    // Mallory (a colleague, not the recipient) forges bob's acknowledgement: refused, nothing recorded.
    mallory.manager.send(buildAcknowledgement(alice.jid, 'forged-1', 'chat', urgent.clientId));
    await until(() => rejected.length === 1, 10_000, 'forged acknowledgement refused');
    expect(rejected[0]?.reason).toBe('ack-not-recipient');
    expect(alice.store.acknowledgementsIn(urgent.conversationId)).toEqual([]);

    // Bob cannot acknowledge what is not urgent; he acknowledges the urgent one.
    expect(bob.engine.acknowledge(bob.store.getMessageByClientId(normal.clientId)!.id)).toBeNull();
    const done = bob.engine.acknowledge(received.id);
    expect(done).not.toBeNull();
    expect(bob.store.pendingUrgent(0, 10)).toEqual([]);
    await until(() => acknowledged.includes(alice.store.getMessageByClientId(urgent.clientId)!.id), 10_000, 'alice sees the acknowledgement');
    const [ack] = alice.store.acknowledgementsIn(urgent.conversationId);
    expect(ack?.byJid).toBe(bob.jid);
    expect(ack?.messageId).toBe(alice.store.getMessageByClientId(urgent.clientId)!.id);
    expect(rejected).toHaveLength(1);
  });

  it('rooms: any member but the sender acknowledges, shown to everyone; the sender cannot acknowledge their own', async () => {
    const rejected: RejectedStanza[] = [];
    const muc = file.prosody.mucDomain;
    const alice = await file.account('alice', { engine: { mucDomain: muc, nick: () => 'Alice', onRejected: (e) => rejected.push(e) } });
    const bob = await file.account('bob', { engine: { mucDomain: muc, nick: () => 'Bob' } });
    const mallory = await file.account('mallory', { engine: { mucDomain: muc, nick: () => 'Mal' } });
    const room = await bob.engine.createRoom('Theatre', [alice.jid, mallory.jid]);
    await until(() => alice.engine.rooms().some((r) => r.joined) && mallory.engine.rooms().some((r) => r.joined), 10_000, 'everyone in');

    const sent = bob.engine.send({ to: room, body: 'Need a hand in theatre 2', priority: 'urgent' });
    await until(() => bob.store.getMessageByClientId(sent.clientId)?.serverId != null, 10_000, 'room echo');
    await until(() => alice.store.pendingUrgent(0, 10).length === 1 && mallory.store.pendingUrgent(0, 10).length === 1, 10_000, 'alerts raised');
    const serverId = bob.store.getMessageByClientId(sent.clientId)!.serverId!;

    // Bob "acknowledges" his own urgent message through the room: refused where it lands.
    bob.manager.send(buildAcknowledgement(room, 'self-ack', 'groupchat', serverId));
    await until(() => rejected.some((r) => r.reason === 'ack-not-recipient'), 10_000, 'self acknowledgement refused');
    expect(alice.store.pendingUrgent(0, 10)).toHaveLength(1);

    // Mallory acknowledges: everyone sees it (the first acknowledgement settles the room's alert).
    const malloryCopy = mallory.store.pendingUrgent(0, 10)[0]!;
    expect(mallory.engine.acknowledge(malloryCopy.messageId)).not.toBeNull();
    await until(() => alice.store.pendingUrgent(0, 10).length === 0, 10_000, 'alice’s alert settled');
    const conversation = bob.store.findConversation('room', room)!;
    await until(() => bob.store.acknowledgementsIn(conversation.id).length === 1, 10_000, 'sender sees it');
    expect(bob.store.acknowledgementsIn(conversation.id)[0]?.byJid).toBe(mallory.jid);
  });
});
