import { describe, expect, it } from 'vitest';
import { buildRetraction } from '../../electron/core/messaging/amendments.ts';
import type { RejectedStanza } from '../../electron/core/messaging/engine.ts';
import type { Store } from '../../electron/core/store/store.ts';
import { buildChat } from '../../node-shared/xmpp/stanzas.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 11: edits (XEP-0308), recalls (XEP-0424) and replies with a quote (XEP-0461) in team rooms. The author corrects or withdraws
 * their own room message and every member sees it; another member's forged correction or
 * retraction of it (by origin-id or by the room's stanza-id) is refused and changes nothing, and
 * it never shows as an ordinary message. Real Prosody, real encrypted stores.
 */
const file = prosodyForFile(['ines', 'omar', 'mallory'], { httpUpload: false });

const roomBodies = (store: Store, room: string): string[] => {
  const conversation = store.findConversation('room', room);
  return conversation === null ? [] : store.messagesPage(conversation.id, { limit: 200 }).messages.map((m) => m.body);
};

describe('edits and recalls in team rooms', () => {
  it('the author edits and recalls; members see it; a forged correction or retraction by another member is refused', async () => {
    const rejected: RejectedStanza[] = [];
    const muc = file.prosody.mucDomain;
    const ines = await file.account('ines', { engine: { mucDomain: muc, nick: () => 'Ines' } });
    const omar = await file.account('omar', { engine: { mucDomain: muc, nick: () => 'Omar', onRejected: (e) => rejected.push(e) } });
    const mallory = await file.account('mallory', { engine: { mucDomain: muc, nick: () => 'Mal' } });
    const room = await ines.engine.createRoom('Reception', [omar.jid, mallory.jid]);
    await until(() => omar.engine.rooms().some((r) => r.joined) && mallory.engine.rooms().some((r) => r.joined), 15_000, 'everyone in');

    const sent = ines.engine.send({ to: room, body: 'Your 3 pm is in room 2' });
    await until(() => ines.store.getMessageByClientId(sent.clientId)?.serverId != null, 10_000, 'room echo');
    await until(() => roomBodies(omar.store, room).includes('Your 3 pm is in room 2'), 10_000, 'omar got it');
    const serverId = ines.store.getMessageByClientId(sent.clientId)!.serverId!;
    const atOmar = () => omar.store.getMessageByClientId(sent.clientId)!;

    // Mallory, a member of the same room, "corrects" Ines's message by its origin-id, then
    // retracts it by the room's stanza-id: both refused where they land, nothing changes.
    mallory.manager.send(buildChat({ to: room, type: 'groupchat', id: 'forged-edit', body: 'Your 3 pm cancelled, send them home', sentAt: Date.now(), priority: 'normal', patientTag: null, replaces: sent.clientId }));
    mallory.manager.send(buildRetraction(room, 'forged-recall', serverId, 'groupchat'));
    await until(() => rejected.filter((r) => r.reason === 'amend-not-author').length === 2, 10_000, 'forgeries refused');
    expect(atOmar()).toMatchObject({ body: 'Your 3 pm is in room 2', editedAt: null, recalledAt: null });
    // The forged text never shows as a message of its own either.
    expect(roomBodies(omar.store, room).some((b) => b.includes('cancelled'))).toBe(false);

    // Ines edits: everyone sees the correction in place, marked edited, not as a new message.
    const count = roomBodies(omar.store, room).length;
    ines.engine.edit(ines.store.getMessageByClientId(sent.clientId)!.id, 'Your 3 pm is in room 4');
    await until(() => atOmar().body === 'Your 3 pm is in room 4', 10_000, 'omar sees the edit');
    expect(atOmar().editedAt).not.toBeNull();
    expect(roomBodies(omar.store, room)).toHaveLength(count);
    await until(() => roomBodies(mallory.store, room).includes('Your 3 pm is in room 4'), 10_000, 'mallory sees the edit');
    // The room's echo of her own edit does not make a second copy on Ines's side.
    await new Promise((r) => setTimeout(r, 300));
    expect(roomBodies(ines.store, room).filter((b) => b.startsWith('Your 3 pm'))).toEqual(['Your 3 pm is in room 4']);

    // Reply with quote in the room: Omar answers it; Ines sees the answer linked to her message.
    const answer = omar.engine.send({ to: room, body: 'On my way', replyToId: atOmar().id });
    await until(() => ines.store.getMessageByClientId(answer.clientId) !== null, 10_000, 'ines got the reply');
    const atInes = ines.store.getMessageByClientId(answer.clientId)!;
    expect(atInes.replyToId).toBe(ines.store.getMessageByClientId(sent.clientId)!.id);
    expect(atInes.body).toBe('> Your 3 pm is in room 4\nOn my way');

    // Ines recalls it: gone on every side (text and search entry), shown as withdrawn.
    ines.engine.recall(ines.store.getMessageByClientId(sent.clientId)!.id);
    await until(() => atOmar().recalledAt !== null, 10_000, 'omar sees the recall');
    expect(atOmar().body).toBe('');
    expect(omar.store.search('room', 10).map((h) => h.messageId)).not.toContain(atOmar().id);
    await until(() => mallory.store.getMessageByClientId(sent.clientId)?.recalledAt != null, 10_000, 'mallory sees the recall');
    expect(rejected.filter((r) => r.reason === 'amend-not-author')).toHaveLength(2);
  });
});
