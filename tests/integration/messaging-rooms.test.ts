import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../electron/core/store/store.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { SERVERS } from '../support/servers.ts';
import { openAccount, tempDir, until, type Account } from './messaging-support.ts';
import { removeTempDir } from '../support/temp-dir.ts';

describe.each(SERVERS)('against a real $name', (fixture) => {
  let server: XmppServerHandle;
  let dir: string;
  const open: Account[] = [];

  beforeAll(async () => {
    server = await fixture.start({
      users: ['ward1', 'ward2', 'ward3'].map((u) => ({ username: u, password: `pw-${u}` })),
      httpUpload: false,
    });
    dir = await tempDir();
  });

  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    await server?.stop();
    if (dir) await removeTempDir(dir);
  });

  async function account(username: string, storeFile?: string, key?: Buffer) {
    const a = await openAccount(server, { dir, username, ...(storeFile && key ? { storeFile, key } : {}) });
    open.push(a);
    return a;
  }

  function roomBodies(store: Store, room: string): Array<[string, string]> {
    const conversation = store.findConversation('room', room);
    if (conversation === null) return [];
    return store.messagesPage(conversation.id, { limit: 200 }).messages.map((m) => [m.direction, m.body]);
  }

  describe('team rooms (MUC)', () => {
    it('join, members, send and receive, history for a late joiner and after a reconnect, leave', async () => {
      const room = `frontdesk@${server.mucDomain}`;
      const one = await account('ward1');
      const two = await account('ward2');
      await one.engine.joinRoom(room, 'Ana');
      await two.engine.joinRoom(room, 'Ben');
      await until(() => one.engine.members(room).length === 2, 10_000, 'two members');
      expect(one.engine.members(room).map((m) => m.nick).sort()).toEqual(['Ana', 'Ben']);

      const m1 = one.engine.send({ to: room, body: 'Team huddle at 9' });
      const m2 = two.engine.send({ to: room, body: 'On my way', priority: 'urgent' });
      await until(() => roomBodies(one.store, room).length === 2 && roomBodies(two.store, room).length === 2, 10_000, 'room delivery');
      await until(() => one.store.outboxSize() === 0 && two.store.outboxSize() === 0, 10_000, 'reflections acknowledged');
      expect(one.store.getMessageByClientId(m1.clientId)?.state).toBe('sent');
      expect(one.store.getMessageByClientId(m2.clientId)).toMatchObject({ direction: 'in', priority: 'urgent' });
      expect(two.store.getMessageByClientId(m1.clientId)?.senderJid).toBe(`${room}/Ana`);
      expect(roomBodies(one.store, room)).toEqual([
        ['out', 'Team huddle at 9'],
        ['in', 'On my way'],
      ]);

      // A late joiner gets the room's history from its archive.
      const three = await account('ward3');
      await three.engine.joinRoom(room, 'Cam');
      await until(() => roomBodies(three.store, room).length === 2, 10_000, 'room history');
      expect(roomBodies(three.store, room)).toEqual([
        ['in', 'Team huddle at 9'],
        ['in', 'On my way'],
      ]);

      // Offline while the room talked: rejoined automatically, caught up, nothing twice.
      await three.manager.stop();
      one.engine.send({ to: room, body: 'Lunch moved to 1' });
      await until(() => roomBodies(two.store, room).length === 3, 10_000, 'third message');
      three.manager.start();
      await three.manager.waitOnline();
      await until(() => roomBodies(three.store, room).length === 3, 10_000, 'catch-up after reconnect');
      await new Promise((r) => setTimeout(r, 300));
      expect(roomBodies(three.store, room).map(([, b]) => b)).toEqual(['Team huddle at 9', 'On my way', 'Lunch moved to 1']);
      expect(three.engine.rooms()).toEqual([{ jid: room, nick: 'Cam', joined: true }]);

      two.engine.leaveRoom(room);
      await until(() => one.engine.members(room).length === 2, 10_000, 'member left');
      expect(one.engine.members(room).map((m) => m.nick).sort()).toEqual(['Ana', 'Cam']);
      expect(two.engine.rooms()).toEqual([]);
    });
  });
});
