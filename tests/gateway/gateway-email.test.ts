import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../integration/messaging-support.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { command, startGatewayFixture, until, type GatewayFixture } from './gateway-support.ts';

const [PROSODY] = SERVERS;
const REFUSED = 'gone@patients.example';

afterAll(() => removeTempDirs());

describe('e-mail delivery state', () => {
  let fx: GatewayFixture;
  let alice: Account;

  beforeAll(async () => {
    fx = await startGatewayFixture(PROSODY!, { smtpRefuse: [REFUSED] });
    alice = await fx.staff('alice');
  });
  afterAll(() => fx?.stop());

  async function emailConversation(email: string) {
    const created = await command(fx, alice, 'create', {
      name: 'Mail Patient', email, dateOfBirth: '1990-01-01', channel: 'email', locale: 'en',
      consent: { given: true, recordedBy: alice.jid, method: 'verbal' },
    });
    if (!created.ok) throw new Error(created.error.code);
    await alice.engine.joinRoom(created.value.room, 'alice');
    return created.value;
  }

  it('the SMTP relay accepting the message makes it "notified" (e-mail sent); a permanent refusal makes it failed: invalid_email', async () => {
    const ok = await emailConversation('reader@patients.example');
    alice.engine.send({ to: ok.room, body: 'mail-ok' });
    const bad = await emailConversation(REFUSED);
    alice.engine.send({ to: bad.room, body: 'mail-refused' });
    const stateOf = (conversationId: string, body: string) => fx.gateway.ctx.store.messages(conversationId, 10).find((m) => m.body === body);
    await until(() => stateOf(ok.conversationId, 'mail-ok')?.state === 'notified', 15_000, 'sent');
    await until(() => stateOf(bad.conversationId, 'mail-refused')?.state === 'failed', 15_000, 'failed');
    expect(stateOf(bad.conversationId, 'mail-refused')?.code).toBe('invalid_email');
    expect(fx.smtp.messages.some((m) => JSON.stringify(m).includes('reader@patients.example'))).toBe(true);
    expect(fx.smtp.messages.some((m) => JSON.stringify(m).includes(REFUSED))).toBe(false);
  });
});
