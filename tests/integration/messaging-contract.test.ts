import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagingEvents, messagingMethods, type EventName } from '../../shared/contract/index.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { bindMessagingEvents } from '../../electron/core/account/messaging-events.ts';
import { messagingHandlers } from '../../electron/core/ipc/handlers/messaging.ts';
import { createMessagingSession, type MessagingSession } from '../../electron/core/messaging/index.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { serverFor, tempDir, until } from './messaging-support.ts';
import { removeTempDir } from '../support/temp-dir.ts';

let prosody: ProsodyHandle;
let dir: string;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  prosody = await startProsody({
    users: [
      { username: 'desk', password: 'pw-desk' },
      { username: 'lab', password: 'pw-lab' },
    ],
  });
  dir = await tempDir();
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await prosody?.stop();
  if (dir) await removeTempDir(dir);
});

function session(username: string): { s: MessagingSession; store: Store } {
  const store = openStore({ file: path.join(dir, `${username}.db`), key: randomBytes(32), create: true });
  const s = createMessagingSession({ server: serverFor(prosody), credentials: { username, password: `pw-${username}` }, store, log: silentLogger });
  cleanup.push(() => store.close(), () => s.stop());
  return { s, store };
}

const attachmentRequest = (file: Buffer) =>
  messagingMethods['messaging.sendAttachment'].request.parse({
    to: 'lab@localhost',
    uploadId: 'up',
    fileName: 'result.txt',
    mime: 'text/plain',
    dataBase64: file.toString('base64'),
  });

describe('messaging contract handlers over the real engine', () => {
  it('answers state, send, directory and markRead with contract-valid values, and pushes message events that carry the message only while unlocked', async () => {
    const desk = session('desk');
    const lab = session('lab');
    const progress: Array<{ name: EventName; payload: unknown }> = [];
    const handlersFor = (x: { s: MessagingSession; store: Store } | null) =>
      messagingHandlers({
        current: () => (x === null ? null : { engine: x.s.engine, manager: x.s.manager, store: x.store }),
        emit: (name, payload) => progress.push({ name, payload }),
      });
    const ctx = { transport: 'bridge' as const };

    const signedOut = handlersFor(null);
    expect(await signedOut['messaging.state']({}, ctx)).toEqual({ state: 'offline', account: null, outbox: 0 });
    expect(() => signedOut['messaging.send']({ to: 'lab@localhost', body: 'x' }, ctx)).toThrow(expect.objectContaining({ code: 'locked' }));

    const events: Array<{ name: EventName; payload: unknown }> = [];
    // Lab's screen "locks" before the attachment arrives: from then on its events carry ids only.
    let labUnlocked = true;
    cleanup.push(bindMessagingEvents(lab.s.engine, lab.store, (name, payload) => events.push({ name, payload: { ...payload, unlocked: labUnlocked } }), { unlocked: () => labUnlocked }));
    const deskEvents: Array<{ name: EventName; payload: unknown }> = [];
    cleanup.push(bindMessagingEvents(desk.s.engine, desk.store, (name, payload) => deskEvents.push({ name, payload })));
    desk.s.start();
    lab.s.start();
    await desk.s.manager.waitOnline();
    await lab.s.manager.waitOnline();

    const h = handlersFor(desk);
    const state = await h['messaging.state']({}, ctx);
    expect(messagingMethods['messaging.state'].response.parse(state)).toMatchObject({ state: 'online', account: 'desk@localhost' });
    const request = messagingMethods['messaging.send'].request.parse({ to: 'lab@localhost', body: 'Patient in room 2 (canary-7731)', priority: 'urgent' });
    const sent = await h['messaging.send'](request, ctx);
    expect(messagingMethods['messaging.send'].response.safeParse(sent).success).toBe(true);
    await until(() => lab.store.getMessageByClientId(sent.message.clientId) !== null, 10_000, 'delivery');
    // The receipt leaves once the message is on the lab's disk; read it only after (a read marker
    // sent at once could overtake it, and states only move forward).
    await until(() => desk.store.getMessageByClientId(sent.message.clientId)?.state === 'delivered', 10_000, 'receipt');

    const got = lab.store.getMessageByClientId(sent.message.clientId)!;
    const read = await handlersFor(lab)['messaging.markRead']({ conversationId: got.conversationId, upToMessageId: got.id }, ctx);
    expect(messagingMethods['messaging.markRead'].response.parse(read)).toEqual({ newlyRead: 1, unreadCount: 0 });
    await until(() => desk.store.getMessageByClientId(sent.message.clientId)?.state === 'read', 10_000, 'read');
    await expect(Promise.resolve().then(() => handlersFor(lab)['messaging.markRead']({ conversationId: 999_999, upToMessageId: 1 }, ctx))).rejects.toMatchObject({ code: 'not_found' });

    const directory = await h['messaging.directory']({}, ctx);
    expect(messagingMethods['messaging.directory'].response.safeParse(directory).success).toBe(true);

    // Rooms through the contract.
    const room = `huddle@${prosody.mucDomain}`;
    const joined = await h['messaging.joinRoom']({ room, nick: 'Desk' }, ctx);
    expect(messagingMethods['messaging.joinRoom'].response.parse(joined)).toEqual({ room: { jid: room, nick: 'Desk', joined: true } });
    expect(messagingMethods['messaging.rooms'].response.parse(await h['messaging.rooms']({}, ctx)).rooms).toHaveLength(1);
    const members = await h['messaging.roomMembers']({ room }, ctx);
    expect(messagingMethods['messaging.roomMembers'].response.parse(members).members.map((m) => m.nick)).toEqual(['Desk']);
    expect(await h['messaging.leaveRoom']({ room }, ctx)).toEqual({});
    expect((await h['messaging.rooms']({}, ctx)).rooms).toEqual([]);

    labUnlocked = false;
    // An attachment through the contract, with progress events.
    const file = Buffer.from('canary-7731 lab result');
    const attachment = await h['messaging.sendAttachment'](
      messagingMethods['messaging.sendAttachment'].request.parse({
        to: 'lab@localhost',
        uploadId: 'up-1',
        fileName: 'result.txt',
        mime: 'text/plain',
        dataBase64: file.toString('base64'),
      }),
      ctx,
    );
    expect(messagingMethods['messaging.sendAttachment'].response.safeParse(attachment).success).toBe(true);
    expect(progress.filter((e) => e.name === 'messaging.uploadProgress').at(-1)?.payload).toEqual({ uploadId: 'up-1', sent: file.length, total: file.length });
    await until(() => (lab.store.getMessageByClientId(attachment.message.clientId)?.attachmentCount ?? 0) === 1, 10_000, 'attachment arrives');
    lab.s.manager.dropSocket();
    await desk.s.stop();
    await expect(h['messaging.sendAttachment']({ ...attachmentRequest(file), uploadId: 'up-2' }, ctx)).rejects.toMatchObject({ code: 'network' });

    // Every pushed event matches its schema; message events carry the message and its inbox row
    // (so the screens need not ask again), and none does while the session is not unlocked.
    const all = [...events, ...deskEvents, ...progress];
    const incoming = events.find((e) => e.name === 'messaging.incoming' && (e.payload as { messageId: number }).messageId === got.id);
    expect(incoming?.payload).toMatchObject({
      message: { id: got.id, body: 'Patient in room 2 (canary-7731)', priority: 'urgent', direction: 'in' },
      inbox: { id: got.conversationId, jid: 'desk@localhost', unreadCount: 1, previewDirection: 'in' },
    });
    const firstStates = deskEvents
      .filter((e) => e.name === 'messaging.messageState' && (e.payload as { messageId: number }).messageId === sent.message.id)
      .map((e) => e.payload as { state: string; message?: { state: string } });
    expect(firstStates.map((p) => p.state)).toEqual(['sent', 'delivered', 'read']);
    expect(firstStates.map((p) => p.message?.state)).toEqual(['sent', 'delivered', 'read']);
    const whileLocked = events.filter((e) => (e.payload as { unlocked?: boolean }).unlocked === false && e.name !== 'messaging.connection');
    expect(whileLocked.length).toBeGreaterThan(0);
    for (const e of whileLocked) {
      expect(e.payload).not.toHaveProperty('message');
      expect(e.payload).not.toHaveProperty('inbox');
    }
    for (const e of all) {
      const { unlocked: _, ...payload } = e.payload as Record<string, unknown>;
      expect(messagingEvents[e.name as keyof typeof messagingEvents].safeParse(payload).success).toBe(true);
    }
  });
});
