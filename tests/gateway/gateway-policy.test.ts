import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSigned } from '../../electron/dev/patient-sinks/sms-standin.ts';
import { sendDue } from '../../gateway/patients/delivery.ts';
import type { Account } from '../integration/messaging-support.ts';
import { ACCOUNT_SID, AUTH_TOKEN } from '../support/notify-fixture.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { command, openConversation, startGatewayFixture, until, type GatewayFixture } from './gateway-support.ts';

// Consent, opt-out and quiet hours, end to end through the gateway: the SMS stand-in's signed
// STOP, the notifier's quiet-hours window in UTC around "now", and the gateway's queue.

const DOB = '1980-02-02';
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

let fx: GatewayFixture;
let alice: Account;

beforeAll(async () => {
  const now = Date.now();
  // A quiet window of one hour starting now (UTC), so every notification is queued at first.
  fx = await startGatewayFixture(SERVERS[0]!, { quietHours: { start: hhmm(now - 60_000), end: hhmm(now + 3_600_000), timeZone: 'UTC' } });
  alice = await fx.staff('alice');
});
afterAll(async () => {
  await fx?.stop();
  await removeTempDirs();
});

const conversation = (phone: string) => openConversation(fx, alice, { phone, dateOfBirth: DOB });

const stateOf = (conversationId: string, body: string) => fx.gateway.ctx.store.messages(conversationId, 50).find((m) => m.body === body);

describe('consent, opt-out and quiet hours', () => {
  it('queues notifications during quiet hours, tells staff until when, and sends them once the window is over', async () => {
    const phone = '+12025550161';
    const c = await conversation(phone);
    alice.engine.send({ to: c.room, body: 'quiet-1' });
    await until(() => stateOf(c.conversationId, 'quiet-1')?.state === 'queued', 10_000, 'queued');
    const queued = stateOf(c.conversationId, 'quiet-1')!;
    expect(queued.code).toBe('quiet_hours_until');
    expect(queued.until).toBeGreaterThan(Date.now());
    expect(fx.sms.messages.some((m) => m.to === phone)).toBe(false);
    const states = await command(fx, alice, 'states', { conversationId: c.conversationId });
    expect(states.ok && states.value[0]).toMatchObject({ state: 'queued', code: 'quiet_hours_until' });

    fx.clock.offsetMs = (queued.until ?? 0) - Date.now() + 60_000;
    try {
      await sendDue(fx.gateway.ctx);
    } finally {
      fx.clock.offsetMs = 0;
    }
    await until(() => fx.sms.messages.some((m) => m.to === phone), 10_000, 'sms after quiet hours');
    expect(['notified', 'delivered']).toContain(stateOf(c.conversationId, 'quiet-1')?.state);
  });

  it('a patient who texted STOP is not messaged: new messages fail as opted_out and new conversations are refused', async () => {
    const phone = '+12025550162';
    const c = await conversation(phone);
    const inbound = new URLSearchParams({ AccountSid: ACCOUNT_SID, From: phone, To: '+12025550100', Body: 'STOP', MessageSid: 'SM1' });
    expect(await postSigned(`${fx.publicUrl}/hooks/sms/inbound`, inbound, AUTH_TOKEN, fx.ca)).toBe(200);
    alice.engine.send({ to: c.room, body: 'after-stop' });
    await until(() => stateOf(c.conversationId, 'after-stop')?.state === 'failed', 10_000, 'opted out');
    expect(stateOf(c.conversationId, 'after-stop')?.code).toBe('opted_out');
    expect(fx.sms.messages.some((m) => m.to === phone)).toBe(false);
    const listed = await command(fx, alice, 'list', { status: 'open' });
    expect(listed.ok && listed.value.find((x) => x.conversationId === c.conversationId)?.optedOut).toBe(true);
    await expect(conversation(phone)).rejects.toThrow('opted_out');
    // A forged STOP for another number (bad signature) changes nothing.
    const forged = new URLSearchParams({ AccountSid: ACCOUNT_SID, From: '+12025550163', To: '+12025550100', Body: 'STOP', MessageSid: 'SM2' });
    expect(await postSigned(`${fx.publicUrl}/hooks/sms/inbound`, forged, 'not-the-token', fx.ca)).toBe(403);
    expect(await fx.gateway.ctx.notifier.isOptedOut('sms', '+12025550163')).toBe(false);
  });
});
