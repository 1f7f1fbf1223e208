import fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../electron/core/store/store.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { SERVERS } from '../support/servers.ts';
import { openAccount, tempDir, until, type Account } from './messaging-support.ts';

/** Staff team rooms: create a named members-only room, invite, talk, remove, and find it again on a new computer. */
describe.each(SERVERS)('team rooms against a real $name', (fixture) => {
  let server: XmppServerHandle;
  let dir: string;
  const open: Account[] = [];

  beforeAll(async () => {
    server = await fixture.start({
      users: ['desk1', 'desk2', 'desk3'].map((u) => ({ username: u, password: `pw-${u}` })),
      httpUpload: false,
    });
    dir = await tempDir();
  });

  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    await server?.stop();
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  async function account(username: string, nick: string) {
    const a = await openAccount(server, { dir, username, engine: { mucDomain: server.mucDomain, nick: () => nick } });
    open.push(a);
    return a;
  }

  const roomBodies = (store: Store, room: string): string[] => {
    const conversation = store.findConversation('room', room);
    return conversation === null ? [] : store.messagesPage(conversation.id, { limit: 200 }).messages.map((m) => m.body);
  };

  it('create → invite → talk with names → remove → the room on a new computer with its history', async () => {
    const ana = await account('desk1', 'Ana Front Desk');
    const ben = await account('desk2', 'Ben Nurse');
    const cam = await account('desk3', 'Cam Billing');

    const room = await ana.engine.createRoom('Front desk team', [ben.jid, cam.jid]);
    expect(room.endsWith(`@${server.mucDomain}`)).toBe(true);
    expect(ana.store.findConversation('room', room)?.title).toBe('Front desk team');

    // The invitations bring both colleagues in; the room's name becomes their conversation's title.
    await until(() => ben.engine.rooms().some((r) => r.jid === room && r.joined) && cam.engine.rooms().some((r) => r.jid === room && r.joined), 15_000, 'invited colleagues joined');
    await until(() => ben.store.findConversation('room', room)?.title === 'Front desk team', 10_000, 'room name');

    const states: string[] = [];
    ana.engine.onMessageState((c) => states.push(c.state));
    const sent = ana.engine.send({ to: room, body: 'Room 2 is ready' });
    await until(() => roomBodies(ben.store, room).includes('Room 2 is ready') && roomBodies(cam.store, room).includes('Room 2 is ready'), 10_000, 'room delivery');
    // The room reflecting it back is its acknowledgement; the receivers see the sender's name.
    await until(() => ana.store.getMessageByClientId(sent.clientId)?.state === 'sent', 10_000, 'reflection');
    // …and the screen hears of it (the echo folds into our row before it acknowledges it).
    await until(() => states.includes('sent'), 5_000, 'sent event');
    expect(ben.store.getMessageByClientId(sent.clientId)?.senderJid).toBe(`${room}/Ana Front Desk`);

    const members = await ana.engine.roomMembers(room);
    expect(members.map((m) => m.jid).sort()).toEqual([ana.jid, ben.jid, cam.jid].sort());
    expect(members.find((m) => m.jid === ana.jid)?.affiliation).toBe('owner');

    // Removing a member takes the room out of their list (its history stays on their computer).
    await ana.engine.removeFromRoom(room, cam.jid);
    await until(() => !cam.engine.rooms().some((r) => r.jid === room), 10_000, 'removed member left');
    expect(cam.store.findConversation('room', room)?.archived).toBe(true);
    expect((await ana.engine.roomMembers(room)).map((m) => m.jid)).not.toContain(cam.jid);

    // Ben signs in on a new computer (an empty store): the room list on the server brings the room
    // back, and its archive the history.
    const benElsewhere = await account('desk2', 'Ben Nurse');
    await until(() => benElsewhere.engine.rooms().some((r) => r.jid === room && r.joined), 15_000, 'room found on new computer');
    await until(() => roomBodies(benElsewhere.store, room).includes('Room 2 is ready'), 15_000, 'history on new computer');

    // Leaving on one computer takes it off the list the other computers follow.
    benElsewhere.engine.leaveRoom(room);
    expect(benElsewhere.engine.rooms()).toEqual([]);
  });
});
