import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/core/log/logger.ts';
import { buildAdminCommand } from '../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT } from '../../node-shared/xmpp/xml.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { SERVERS } from '../support/servers.ts';
import { allMessages, bodies, openAccount, tempDir, until, untilArchived, type Account } from './messaging-support.ts';
import { removeTempDir } from '../support/temp-dir.ts';

describe.each(SERVERS)('against a real $name', (fixture) => {
  let server: XmppServerHandle;
  let dir: string;
  const open: Account[] = [];
  let n = 0;

  /** A fresh pair of staff accounts per test, so tests never see each other's messages. */
  async function users(count: number): Promise<string[]> {
    const names = Array.from({ length: count }, () => `u${++n}x${process.pid}`);
    for (const name of names) await server.register(name, `pw-${name}`);
    return names;
  }

  async function account(username: string, extra: Partial<Parameters<typeof openAccount>[1]> = {}) {
    const a = await openAccount(server, { dir, username, ...extra });
    open.push(a);
    return a;
  }

  /** Past this many, ejabberd bounces messages for an offline account (kept low to reach it quickly). */
  const OFFLINE_LIMIT = 10;
  const STAFF = [
    { username: 'amara', name: 'Amara Diallo' },
    { username: 'ben', name: 'Ben Okafor' },
  ];

  beforeAll(async () => {
    server = await fixture.start({
      admins: ['itadmin@localhost'],
      users: [{ username: 'itadmin', password: 'pw-itadmin' }, ...STAFF.map((m) => ({ username: m.username, password: `pw-${m.username}` }))],
      staffDirectory: { group: 'Clinic staff', members: STAFF },
      offlineLimit: OFFLINE_LIMIT,
    });
    dir = await tempDir();
  });

  afterAll(async () => {
    for (const a of open) await a.close().catch(() => {});
    await server?.stop();
    if (dir) await removeTempDir(dir);
  });

  describe('1:1 messaging', () => {
    it('sends and receives both ways; ids, stanza-ids and metadata survive end to end', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const sent = a.engine.send({ to: b.jid, body: 'Room 4 is free <b>now</b> & then', priority: 'urgent', patientTag: 'MRN-0001' });
      expect(sent.state).toBe('queued');
      expect(a.store.outboxSize()).toBeGreaterThanOrEqual(0);
      await until(() => b.store.getMessageByClientId(sent.clientId) !== null, 10_000, 'delivery');
      const got = b.store.getMessageByClientId(sent.clientId)!;
      expect(got.body).toBe('Room 4 is free <b>now</b> & then');
      expect(got.direction).toBe('in');
      expect(got.senderJid).toBe(a.jid);
      expect(got.priority).toBe('urgent');
      expect(got.patientTag).toBe('MRN-0001');
      expect(got.serverId).not.toBeNull();
      b.engine.send({ to: a.jid, body: 'thanks' });
      await until(() => bodies(a.store, b.jid, 'in').length === 1, 10_000, 'reply');
      expect(bodies(a.store, b.jid)).toEqual(['Room 4 is free <b>now</b> & then', 'thanks']);
      await until(() => a.store.outboxSize() === 0 && b.store.outboxSize() === 0, 10_000, 'outbox drained');
    });

    it('drives queued → sent → delivered → read with receipts and read markers', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const states: string[] = [];
      a.engine.onMessageState((c) => states.push(c.state));
      const sent = a.engine.send({ to: b.jid, body: 'please call back' });
      await until(() => a.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 10_000, 'delivered');
      expect(b.store.findConversation('direct', a.jid)?.unreadCount).toBe(1);
      const theirs = b.store.getMessageByClientId(sent.clientId)!;
      const read = b.engine.markRead(theirs.conversationId, theirs.id);
      expect(read.newlyRead).toBe(1);
      expect(read.unreadCount).toBe(0);
      // States are told once the change is on disk, just after the store shows it.
      await until(() => states.at(-1) === 'read', 10_000, 'read');
      expect(a.store.getMessageByClientId(sent.clientId)?.state).toBe('read');
      expect(states).toEqual(['sent', 'delivered', 'read']);
    });

    it('one read marker for the newest message marks every earlier message read too', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const sent = ['first', 'second', 'third'].map((body) => a.engine.send({ to: b.jid, body }));
      await until(() => sent.every((m) => a.store.getMessageByClientId(m.clientId)?.state === 'delivered'), 10_000, 'delivered');
      const newest = b.store.getMessageByClientId(sent[2]!.clientId)!;
      expect(b.engine.markRead(newest.conversationId, newest.id).newlyRead).toBe(3);
      await until(() => sent.every((m) => a.store.getMessageByClientId(m.clientId)?.state === 'read'), 10_000, 'all read');
    });

    it('a message to an address the server does not know ends as failed, not forever queued', async () => {
      const [u1] = await users(1);
      const a = await account(u1!);
      const states: string[] = [];
      a.engine.onMessageState((c) => states.push(c.state));
      const sent = a.engine.send({ to: `nobody-${process.pid}@localhost`, body: 'hello?' });
      // States are told once the change is on disk, a little after the store shows it.
      await until(() => states.at(-1) === 'failed', 10_000, 'failed');
      expect(a.store.getMessageByClientId(sent.clientId)?.state).toBe('failed');
      expect(a.store.outboxSize()).toBe(0);
      // ejabberd acknowledges before it bounces ('sent' first); the final error decides either way.
      expect(states.at(-1)).toBe('failed');
      expect(states.filter((s) => s !== 'sent' && s !== 'failed')).toEqual([]);
    });

    it('sends an attachment through HTTP upload (same CA), kept encrypted in both stores, with progress', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
      const progress: number[] = [];
      const sent = await a.engine.sendAttachment({
        to: b.jid,
        fileName: 'scan.png',
        mime: 'image/png',
        data,
        onProgress: (done) => progress.push(done),
      });
      expect(sent.body.startsWith('aesgcm://')).toBe(true);
      expect(progress.at(-1)).toBe(data.length);
      expect(progress.length).toBeGreaterThan(1);
      expect(a.store.attachments.list(sent.id).map((f) => f.fileName)).toEqual(['scan.png']);
      await until(() => {
        const m = b.store.getMessageByClientId(sent.clientId);
        return m !== null && m.attachmentCount === 1;
      }, 15_000, 'attachment downloaded');
      const theirs = b.store.getMessageByClientId(sent.clientId)!;
      const [file] = b.store.attachments.list(theirs.id);
      expect(file).toMatchObject({ fileName: 'scan.png', mime: 'image/png', size: data.length });
      expect((await b.store.attachments.read(file!.id)).equals(data)).toBe(true);
      await until(() => a.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 10_000, 'receipt');
    });

    it('a message read while offline sends its read marker once reconnected', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const sent = a.engine.send({ to: b.jid, body: 'read me later' });
      await until(() => a.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 10_000, 'delivered');
      await b.manager.stop();
      const theirs = b.store.getMessageByClientId(sent.clientId)!;
      expect(b.engine.markRead(theirs.conversationId, theirs.id).newlyRead).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(a.store.getMessageByClientId(sent.clientId)?.state).toBe('delivered');
      b.manager.start();
      await until(() => a.store.getMessageByClientId(sent.clientId)?.state === 'read', 10_000, 'read after reconnect');
    });

    it('keeps two sessions of one account in step through carbons', async () => {
      const [u1, u2] = await users(2);
      const desk = await account(u1!, { resource: 'desk' });
      const kiosk = await account(u1!, { resource: 'kiosk' });
      const peer = await account(u2!);
      await new Promise((r) => setTimeout(r, 200)); // carbons enabled on both sessions
      const out = desk.engine.send({ to: peer.jid, body: 'from the desk' });
      const back = peer.engine.send({ to: desk.jid, body: 'to both devices' });
      await until(() => bodies(kiosk.store, peer.jid).length === 2 && bodies(desk.store, peer.jid).length === 2, 10_000, 'carbons');
      const copy = kiosk.store.getMessageByClientId(out.clientId)!;
      expect(copy.direction).toBe('out');
      expect(copy.body).toBe('from the desk');
      expect(kiosk.store.getMessageByClientId(back.clientId)?.direction).toBe('in');
      // Reading on one device is followed on the other (marker carbon).
      const onDesk = desk.store.getMessageByClientId(back.clientId)!;
      desk.engine.markRead(onDesk.conversationId, onDesk.id);
      await until(() => kiosk.store.getMessageByClientId(back.clientId)?.state === 'read', 10_000, 'read on the other device');
      for (const s of [desk, kiosk]) expect(allMessages(s.store, peer.jid).map((m) => m.clientId)).toEqual([out.clientId, back.clientId]);
    });

    it('syncs from the archive after being offline while others wrote, without re-downloading', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const before = a.engine.send({ to: b.jid, body: 'before' });
      await until(() => bodies(b.store, a.jid).length === 1, 10_000, 'first message');
      // A receipt leaves once its message is on disk; one still held when the stream closes is dropped.
      await until(() => a.store.getMessageByClientId(before.clientId)?.state === 'delivered', 10_000, 'first receipt');
      await b.manager.stop();
      const written = Array.from({ length: 30 }, (_, i) => `while away ${i}`);
      for (const body of written) a.engine.send({ to: b.jid, body });
      await until(() => a.store.outboxSize() === 0, 10_000, 'server has them all');
      await untilArchived(a.manager, written);
      b.manager.start();
      await b.manager.waitOnline();
      await b.engine.whenSynced();
      expect(bodies(b.store, a.jid)).toEqual(['before', ...written]);
      // Archived while away, still delivered: the sender sees receipts for them after the sync.
      await until(() => allMessages(a.store, b.jid).every((m) => m.state === 'delivered'), 10_000, 'receipts after sync');
      // A second reconnect downloads nothing new and stores nothing twice.
      const incoming: string[] = [];
      b.engine.onIncoming((m) => incoming.push(m.body));
      await b.manager.stop();
      b.manager.start();
      await b.manager.waitOnline();
      await b.engine.whenSynced();
      expect(incoming).toEqual([]);
      expect(bodies(b.store, a.jid)).toEqual(['before', ...written]);
    });

    it('first sign-in on a new device pages the whole history in (RSM)', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const written = Array.from({ length: 25 }, (_, i) => `history ${i}`);
      for (const body of written) a.engine.send({ to: b.jid, body });
      await until(() => bodies(b.store, a.jid).length === 25, 10_000, 'live delivery');
      const fresh = await account(u2!, { engine: { mamPageSize: 7 } });
      expect(bodies(fresh.store, a.jid)).toEqual(written);
      const mine = await account(u1!, { engine: { mamPageSize: 10 } });
      expect(allMessages(mine.store, b.jid).map((m) => [m.direction, m.body])).toEqual(written.map((w) => ['out', w]));
    });

    it('composes offline: the message waits in the store and goes out, in order, on reconnect', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!, { start: false });
      const b = await account(u2!);
      const queued = ['one', 'two', 'three'].map((body) => a.engine.send({ to: b.jid, body }));
      expect(queued.every((m) => m.state === 'queued')).toBe(true);
      expect(a.store.outboxSize()).toBe(3);
      a.manager.start();
      await a.manager.waitOnline();
      await until(() => bodies(b.store, a.jid).length === 3, 10_000, 'delivery after reconnect');
      expect(bodies(b.store, a.jid)).toEqual(['one', 'two', 'three']);
      await until(() => a.store.outboxSize() === 0, 10_000, 'acked');
      expect(allMessages(a.store, b.jid).map((m) => m.clientId)).toEqual(queued.map((m) => m.clientId));
    });

    it('ignores a roster push forged by another user (the directory only trusts our own account)', async () => {
      const [u1, u2] = await users(2);
      const target = await account(u1!);
      const intruder = await account(u2!);
      const answers: string[] = [];
      intruder.manager.onStanza((s) => {
        if (s.name === 'iq' && s.attrs.id === 'push-1') answers.push(`${s.attrs.type}:${s.attrs.from === target.manager.jid ? 'target' : 'server'}`);
      });
      intruder.manager.send(
        el('iq', NS_CLIENT, { type: 'set', id: 'push-1', to: target.manager.jid }, el('query', 'jabber:iq:roster', {}, el('item', 'jabber:iq:roster', { jid: 'ceo@localhost', name: 'Trust me' }))),
      );
      await until(() => answers.length === 1, 10_000, 'answer');
      // Our engine (not the server) saw the push and refused it.
      expect(answers).toEqual(['error:target']);
      expect(target.store.getContact('ceo@localhost')).toBeNull();
    });

    it('obeys admin commands only from configured admin addresses, acknowledges them, logs the rest', async () => {
      const [u1, u2] = await users(2);
      const warnings: string[] = [];
      const log: Logger = { debug() {}, info() {}, error() {}, warn: (event) => warnings.push(event) };
      const commands: string[] = [];
      const target = await account(u1!, {
        log,
        engine: { adminJids: ['itadmin@localhost'], onAdminCommand: (c) => void commands.push(c.action) },
      });
      const intruder = await account(u2!);
      const admin = await account('itadmin', { password: 'pw-itadmin' });
      const acks: string[] = [];
      admin.manager.onStanza((s) => {
        const ack = s.children.find((c) => typeof c !== 'string' && c.name === 'ack');
        if (ack && typeof ack !== 'string') acks.push(`${ack.attrs.id}:${ack.attrs.outcome}`);
      });
      intruder.manager.send(buildAdminCommand(target.jid, 'c-evil', 'wipe'));
      await until(() => warnings.includes('messaging.admin_command_ignored'), 10_000, 'ignored and logged');
      expect(commands).toEqual([]);
      admin.manager.send(buildAdminCommand(target.jid, 'c-lock', 'lock'));
      await until(() => acks.length === 1, 10_000, 'admin ack');
      expect(commands).toEqual(['lock']);
      expect(acks).toEqual(['c-lock:ok']);
      expect(bodies(target.store, intruder.jid)).toEqual([]);
    });

    it('history sync with an offline recipient past the server\'s offline limit: every message arrives once, none ends failed', async () => {
      const [u1, u2] = await users(2);
      const a = await account(u1!);
      const b = await account(u2!);
      const states = new Map<string, string[]>();
      a.engine.onMessageState((c) => states.set(c.clientId, [...(states.get(c.clientId) ?? []), c.state]));
      await b.manager.stop();
      // ejabberd keeps OFFLINE_LIMIT of these for offline delivery and answers the rest with a
      // temporary error (wait/resource-constraint) while its archive keeps them all (RFC 6120 8.3.2).
      const written = Array.from({ length: OFFLINE_LIMIT + 15 }, (_, i) => `past the limit ${i}`);
      const sent = written.map((body) => a.engine.send({ to: b.jid, body }));
      await until(() => a.store.outboxSize() === 0, 15_000, 'server has them all');
      b.manager.start();
      await b.manager.waitOnline();
      await b.engine.whenSynced();
      expect(bodies(b.store, a.jid)).toEqual(written);
      await until(() => sent.every((m) => a.store.getMessageByClientId(m.clientId)?.state === 'delivered'), 15_000, 'receipts after sync');
      const everFailed = sent.filter((m) => (states.get(m.clientId) ?? []).includes('failed'));
      expect(everFailed).toEqual([]);
    });

    it('fills the staff directory from the server\'s shared roster group, with names', async () => {
      const amara = await account('amara', { password: 'pw-amara' });
      await until(() => amara.store.getContact('ben@localhost') !== null, 10_000, 'directory entry');
      expect(amara.store.getContact('ben@localhost')?.displayName).toBe('Ben Okafor');
    });
  });
});
