import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NS_PATIENT } from '../../shared/contract/patient-gateway.ts';
import { isNoteId } from '../../electron/core/messaging/patient-notes.ts';
import { child, el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { openAccount, prosodyForFile, tempDir, until } from '../integration/messaging-support.ts';

/**
 * The patient gateway relays every message in a patient conversation room to the patient unless
 * it carries the note marker. These tests watch the room from another member's connection (what
 * the gateway sees) against a real Prosody.
 */
const server = prosodyForFile(['desk1', 'desk2']);

function roomMessages(stanzas: XmlElement[], body: string): XmlElement[] {
  return stanzas.filter((s) => s.name === 'message' && s.attrs.type === 'groupchat' && s.children.some((c) => typeof c !== 'string' && c.name === 'body' && c.children.includes(body)));
}

describe('internal notes in a patient conversation are never relayed', () => {
  it('a note carries the marker on the wire, also when the outbox sends it after a dropped connection and after a restart', async () => {
    const room = `patient-notes@${server.prosody.mucDomain}`;
    const dir = await tempDir();
    const ana = await openAccount(server.prosody, { dir, username: 'desk1' });
    server.onClose(() => void ana.close().then(() => rm(dir, { recursive: true, force: true })));
    const watcher = await server.account('desk2');
    await ana.engine.joinRoom(room, 'desk1');
    await watcher.engine.joinRoom(room, 'desk2');
    const seen: XmlElement[] = [];
    watcher.manager.onStanza((s) => seen.push(s));

    ana.engine.send({ to: room, body: 'Relay this to the patient' });
    const note = ana.engine.send({ to: room, body: 'NOTE-CANARY-1: patient sounded confused', internalNote: true });
    expect(isNoteId(note.clientId)).toBe(true);
    await until(() => roomMessages(seen, 'NOTE-CANARY-1: patient sounded confused').length === 1, 10_000, 'the note');
    await until(() => roomMessages(seen, 'Relay this to the patient').length === 1, 10_000, 'the message');
    expect(child(roomMessages(seen, 'NOTE-CANARY-1: patient sounded confused')[0]!, 'note', NS_PATIENT)).toBeDefined();
    expect(child(roomMessages(seen, 'Relay this to the patient')[0]!, 'note', NS_PATIENT)).toBeUndefined();
    // The colleague's store keeps it as a note.
    expect(isNoteId(watcher.store.getMessageByClientId(note.clientId)?.clientId ?? '')).toBe(true);

    // Written while the connection is down: the outbox sends it on reconnect, marker included.
    await ana.manager.stop();
    const offline = ana.engine.send({ to: room, body: 'NOTE-CANARY-2: written offline', internalNote: true });
    ana.manager.start();
    await until(() => roomMessages(seen, 'NOTE-CANARY-2: written offline').length === 1, 15_000, 'the note sent on reconnect');
    expect(child(roomMessages(seen, 'NOTE-CANARY-2: written offline')[0]!, 'note', NS_PATIENT)).toBeDefined();
    expect(offline.clientId.startsWith('note-')).toBe(true);

    // Written, then the app quits before sending: the next start sends it from the store, still a note.
    await ana.manager.stop();
    ana.engine.send({ to: room, body: 'NOTE-CANARY-3: queued across a restart', internalNote: true });
    ana.engine.dispose();
    const again = await openAccount(server.prosody, { dir, username: 'desk1', storeFile: ana.storeFile, key: ana.key });
    server.onClose(() => void again.close());
    await until(() => roomMessages(seen, 'NOTE-CANARY-3: queued across a restart').length === 1, 15_000, 'the note sent after a restart');
    expect(child(roomMessages(seen, 'NOTE-CANARY-3: queued across a restart')[0]!, 'note', NS_PATIENT)).toBeDefined();
  });

  it('a message that claims a note id without the marker (so it was relayed) is not shown as a note', async () => {
    const room = `patient-forged@${server.prosody.mucDomain}`;
    const ana = await server.account('desk1');
    const ben = await server.account('desk2');
    await ana.engine.joinRoom(room, 'desk1');
    await ben.engine.joinRoom(room, 'desk2');
    ana.manager.send(el('message', NS_CLIENT, { to: room, type: 'groupchat', id: 'note-forged-0001' }, el('body', NS_CLIENT, {}, 'Looks like a note, went to the patient')));
    const conversation = () => ben.store.findConversation('room', room);
    await until(() => {
      const c = conversation();
      return c !== null && ben.store.messagesPage(c.id).messages.some((m) => m.body === 'Looks like a note, went to the patient');
    }, 10_000, 'the forged message');
    const stored = ben.store.messagesPage(conversation()!.id).messages.find((m) => m.body === 'Looks like a note, went to the patient')!;
    expect(isNoteId(stored.clientId)).toBe(false);
  });
});
