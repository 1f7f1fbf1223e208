import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../integration/messaging-support.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { openConversation, PatientBrowser, startGatewayFixture, until, verifyPatient, type GatewayFixture } from './gateway-support.ts';

const DOB = '1981-02-17';

afterAll(() => removeTempDirs());

describe.each(SERVERS)('gateway replay after a disconnect against $name', (server) => {
  let fx: GatewayFixture;
  let alice: Account;

  beforeAll(async () => {
    fx = await startGatewayFixture(server);
    alice = await fx.staff('alice');
  });
  afterAll(() => fx?.stop());

  it('staff messages sent while the gateway was away reach the patient once each, with one notification', async () => {
    const phone = '+12025550171';
    const { room } = await openConversation(fx, alice, { name: 'Replay Patient', phone, dateOfBirth: DOB });
    // One message while the gateway is up: relayed live, and it sets the room's cursor.
    alice.engine.send({ to: room, body: 'live-before (replay-0)' });
    await until(() => fx.sms.messages.filter((m) => m.to === phone).length === 1, 15_000, 'first notification');
    const sent = (body: string) => {
      const conversation = alice.store.findConversation('room', room);
      const m = conversation === null ? undefined : alice.store.messagesPage(conversation.id, { limit: 50 }).messages.find((x) => x.body === body);
      return m !== undefined && m.state !== 'queued';
    };
    await until(() => sent('live-before (replay-0)'), 10_000, 'live message acknowledged');

    await fx.stopGateway();
    // The gateway's link expired meanwhile (past the coalescing window): the replay must notify.
    fx.clock.offsetMs += 11 * 60_000;
    const bodies = ['while-away one (replay-1)', 'while-away two (replay-2)', 'while-away three (replay-3)'];
    for (const body of bodies) alice.engine.send({ to: room, body });
    await until(() => bodies.every(sent), 10_000, 'archived by the server');

    await fx.startGateway();
    const store = () => fx.gateway.ctx.store;
    const conversationId = store().conversationByRoom(room)?.id ?? '';
    await until(() => bodies.every((b) => store().messages(conversationId, 50).some((m) => m.body === b)), 20_000, 'replayed');
    await until(() => fx.sms.messages.filter((m) => m.to === phone).length === 2, 15_000, 'one notification for the replay');
    // A live message after the replay is relayed as before, and nothing arrives twice.
    alice.engine.send({ to: room, body: 'live-after (replay-4)' });
    await until(() => store().messages(conversationId, 50).some((m) => m.body === 'live-after (replay-4)'), 15_000, 'live after');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(fx.sms.messages.filter((m) => m.to === phone && /\/p\//.test(m.body))).toHaveLength(2);

    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const thread = await verifyPatient(fx, browser, phone, DOB);
    for (const body of [...bodies, 'live-before (replay-0)', 'live-after (replay-4)']) expect(thread.body.split(body).length - 1).toBe(1);
    expect(store().messages(conversationId, 50).filter((m) => m.author === 'staff')).toHaveLength(5);

    // A second restart with nothing new replays nothing and notifies no one.
    await fx.stopGateway();
    await fx.startGateway();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(fx.gateway.ctx.store.messages(conversationId, 50).filter((m) => m.author === 'staff')).toHaveLength(5);
    expect(fx.sms.messages.filter((m) => m.to === phone && /\/p\//.test(m.body))).toHaveLength(2);
    expect(fx.gateway.ctx.audit.verify().ok).toBe(true);
  });
});
