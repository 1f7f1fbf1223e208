import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildRetraction } from '../../electron/core/messaging/amendments.ts';
import { buildChat } from '../../node-shared/xmpp/stanzas.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 11 (message actions): only the sender may edit (XEP-0308) or recall (XEP-0424) a message.
 * Mallory, a colleague on the same server, names message ids she has seen (they travel in clear in
 * receipts and rooms): a colleague's message to alice, and alice's own message to mallory.
 */
const file = prosodyForFile(['alice', 'bob', 'mallory'], { httpUpload: false });

describe('edits and recalls are accepted only from the message’s own sender', () => {
  it('a peer naming someone else’s message (a colleague’s, or ours) is refused and audited, never stored as a message; the sender’s own edit and recall apply', async () => {
    const d = file.prosody.domain;
    const [alice, bob, mallory] = [await file.account('alice'), await file.account('bob'), await file.account('mallory')];
    const fromBob = bob.engine.send({ to: `alice@${d}`, body: 'Room 3 is ready for Mr Jones' });
    const toMallory = alice.engine.send({ to: `mallory@${d}`, body: 'See you at 3' });
    const fromMallory = mallory.engine.send({ to: `alice@${d}`, body: 'mallory original' });
    await until(() => alice.store.getMessageByClientId(fromBob.clientId) !== null, 10_000, 'bob arrives');
    await until(() => alice.store.getMessageByClientId(fromMallory.clientId) !== null, 10_000, 'mallory arrives');
    await until(() => alice.store.getMessageByClientId(toMallory.clientId)?.state !== 'queued', 10_000, 'alice sent');
    // What an amendment could change (state moves on with receipts, which is not at issue here).
    const content = (clientId: string) => {
      const m = alice.store.getMessageByClientId(clientId);
      return m && { body: m.body, editedAt: m.editedAt, recalledAt: m.recalledAt, attachmentCount: m.attachmentCount };
    };
    const bobRow = content(fromBob.clientId);
    const ownRow = content(toMallory.clientId);
    const before = alice.engine.rejectedCount;

    const edit = (target: string, body: string) =>
      mallory.manager.send(buildChat({ to: `alice@${d}`, id: randomUUID(), body, sentAt: Date.now(), priority: 'normal', patientTag: null, replaces: target }));
    const recall = (target: string) => mallory.manager.send(buildRetraction(`alice@${d}`, randomUUID(), target));
    edit(fromBob.clientId, 'bob never wrote this');
    recall(fromBob.clientId);
    edit(toMallory.clientId, 'alice never wrote this');
    recall(toMallory.clientId);
    // Then one she may make: her own message, corrected.
    edit(fromMallory.clientId, 'mallory corrected');
    await until(() => alice.store.getMessageByClientId(fromMallory.clientId)?.body === 'mallory corrected', 10_000, 'own edit applied');

    expect(alice.engine.rejectedCount - before).toBe(4);
    // Bob's message and alice's own are exactly as they were; nothing of the forgeries became a message.
    expect(content(fromBob.clientId)).toEqual(bobRow);
    expect(content(toMallory.clientId)).toEqual(ownRow);
    expect(bobRow).toMatchObject({ body: 'Room 3 is ready for Mr Jones', editedAt: null, recalledAt: null });
    const malloryChat = alice.store.findConversation('direct', `mallory@${d}`)!;
    expect(alice.store.messagesPage(malloryChat.id).messages.map((m) => m.body)).toEqual(['See you at 3', 'mallory corrected']);
    const bobChat = alice.store.findConversation('direct', `bob@${d}`)!;
    expect(alice.store.messagesPage(bobChat.id).messages.map((m) => m.body)).toEqual(['Room 3 is ready for Mr Jones']);
    expect(alice.store.getMessageByClientId(fromMallory.clientId)?.editedAt).not.toBeNull();

    // Bob edits and then recalls his own message through the engine: alice sees both.
    bob.engine.edit(bob.store.getMessageByClientId(fromBob.clientId)!.id, 'Room 4 is ready for Mr Jones');
    await until(() => alice.store.getMessageByClientId(fromBob.clientId)?.body === 'Room 4 is ready for Mr Jones', 10_000, 'bob edit');
    bob.engine.recall(bob.store.getMessageByClientId(fromBob.clientId)!.id);
    await until(() => alice.store.getMessageByClientId(fromBob.clientId)?.recalledAt !== null, 10_000, 'bob recall');
    expect(alice.store.getMessageByClientId(fromBob.clientId)?.body).toBe('');
    expect(alice.store.search('Jones')).toEqual([]);
    // Nobody can edit another person's message through the engine either.
    expect(() => alice.engine.edit(alice.store.getMessageByClientId(fromMallory.clientId)!.id, 'x')).toThrow(expect.objectContaining({ reason: 'not_own' }));
  });
});
