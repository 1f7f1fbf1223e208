import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../integration/messaging-support.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { command, openConversation, PatientBrowser, startGatewayFixture, until, verifyPatient, type GatewayFixture } from './gateway-support.ts';

const DOB = '1969-11-03';
const [PROSODY] = SERVERS;

afterAll(() => removeTempDirs());

describe('patient sessions across a gateway restart', () => {
  let fx: GatewayFixture;
  let alice: Account;

  beforeAll(async () => {
    fx = await startGatewayFixture(PROSODY!);
    alice = await fx.staff('alice');
  });
  afterAll(() => fx?.stop());

  it('a verified patient stays signed in through a restart; idle 15 minutes still ends it; a revoked link ends it at once', async () => {
    const phone = '+12025550188';
    const { room, conversationId } = await openConversation(fx, alice, { name: 'Session Patient', phone, dateOfBirth: DOB });
    alice.engine.send({ to: room, body: 'Session canary (sess-1)' });
    await until(() => fx.sms.messages.some((m) => m.to === phone), 15_000, 'link sms');
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    expect((await verifyPatient(fx, browser, phone, DOB)).body).toContain('sess-1');
    const cookieId = browser.cookie?.split('=')[1] ?? '';
    // Only the id's hash is stored.
    const idHash = crypto.createHash('sha256').update(cookieId).digest('base64url');
    expect(fx.gateway.ctx.store.session(idHash)?.stage).toBe('thread');
    expect(fx.gateway.ctx.store.db.prepare('SELECT count(*) FROM sessions WHERE id_hash = ?').pluck().get(cookieId)).toBe(0);

    await fx.stopGateway();
    await fx.startGateway();
    const after = await browser.get('/t');
    expect(after.status).toBe(200);
    expect(after.body).toContain('sess-1');

    // The idle limit still holds after a restart.
    fx.clock.offsetMs += 16 * 60_000;
    try {
      expect((await browser.get('/t')).status).toBe(401);
    } finally {
      fx.clock.offsetMs = 0;
    }

    // Signed in again, then staff revoke the link: the session is gone from the store and the page.
    alice.engine.send({ to: room, body: 'Second (sess-2)' });
    await until(() => fx.gateway.ctx.store.messages(conversationId, 10).some((m) => m.body.includes('sess-2')), 10_000, 'relayed');
    const resent = await command(fx, alice, 'resend', { conversationId });
    expect(resent.ok).toBe(true);
    await until(() => fx.sms.messages.filter((m) => m.to === phone && /\/p\//.test(m.body)).length >= 2, 15_000, 'new link');
    expect((await verifyPatient(fx, browser, phone, DOB)).status).toBe(200);
    await command(fx, alice, 'revoke', { conversationId });
    expect(fx.gateway.ctx.store.db.prepare('SELECT count(*) FROM sessions WHERE conversation_id = ?').pluck().get(conversationId)).toBe(0);
    expect((await browser.get('/t')).status).toBeGreaterThanOrEqual(401);
  });
});
