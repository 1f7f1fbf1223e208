import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type NotifierConfig, type StatusUpdate } from '../../gateway/notify/index.ts';
import { postSigned, signTwilio, type SmsStandin } from '../../electron/dev/patient-sinks/sms-standin.ts';
import { ACCOUNT_SID, AUTH_TOKEN, notifyCertificates, optOutSecret, SENDER, smsStandin } from '../support/notify-fixture.ts';
import { removeTempDirs } from '../support/temp-dir.ts';

const LINK = 'https://patients.clinic.example/p/Zm9vYmFyYmF6cXV4cXV1eA';
const PATIENT = '+12025550123';

let standin: SmsStandin;
let ca: string;
// The gateway's webhook endpoint, reduced to what the notifier needs: the raw request.
let hooks: http.Server;
let hookUrl: string;
let onHook: (req: { url: string; headers: http.IncomingHttpHeaders; body: string }) => Promise<void> = async () => undefined;

beforeAll(async () => {
  ca = (await notifyCertificates()).caCertPem;
  standin = await smsStandin({ refuse: { '+12025550166': 21610, '+12025550177': 21211 }, apiKeys: { [`SK${'ab'.repeat(16)}`]: 'api-key-secret-0123456789' } });
  hooks = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onHook({ url: new URL(req.url ?? '/', hookUrl).href, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        .then(() => res.writeHead(204).end())
        .catch(() => res.writeHead(403).end());
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const address = hooks.address();
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/sms/status`;
});

afterAll(async () => {
  await standin.close();
  hooks.closeAllConnections();
  await new Promise<void>((resolve) => hooks.close(() => resolve()));
  await removeTempDirs();
});

function config(extra: Partial<NonNullable<NotifierConfig['sms']> & { twilio: object }> = {}, rest: Partial<NotifierConfig> = {}): NotifierConfig {
  return {
    optOutSecret: optOutSecret(),
    sms: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: standin.baseUrl, ca, timeoutMs: 5000 }, ...extra } as NotifierConfig['sms'],
    ...rest,
  };
}

describe('SMS notifications through a Twilio-compatible stand-in on loopback', () => {
  it('posts the Messages API request with basic auth and gets the message SID; the body holds the clinic name, the link and STOP', async () => {
    const notifier = createNotifier(config());
    const result = await notifier.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK, locale: 'en' });
    expect(result).toMatchObject({ status: 'sent', channel: 'sms' });
    const sms = standin.messages.at(-1);
    expect(result.status === 'sent' && result.providerId).toBe(sms?.sid);
    expect(sms).toMatchObject({ to: PATIENT, from: SENDER, statusCallback: null });
    expect(sms?.body).toBe(`Lakeside Clinic: you have a new secure message. Open it here: ${LINK}\nReply STOP to opt out.`);
    const es = await notifier.send({ phone: PATIENT }, { clinicName: 'Clínica Lago', link: LINK, locale: 'es' });
    expect(es.status).toBe('sent');
    expect(standin.messages.at(-1)?.body).toContain('Responda STOP');
    // An API key may send instead of the account's own token.
    const keyed = createNotifier(config({ twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiKeySid: `SK${'ab'.repeat(16)}`, apiKeySecret: 'api-key-secret-0123456789', from: SENDER, baseUrl: standin.baseUrl, ca } }));
    expect(await keyed.sendCode({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', code: '550912' })).toMatchObject({ status: 'sent' });
    expect(standin.messages.at(-1)?.body).toContain('550912');
  });

  it('names a wrong token, an untrusted provider certificate, an unreachable provider and refused numbers', async () => {
    const count = standin.messages.length;
    const wrong = createNotifier(config({ twilio: { accountSid: ACCOUNT_SID, authToken: 'not-the-right-token-at-all', from: SENDER, baseUrl: standin.baseUrl, ca } }));
    expect(await wrong.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'auth_failed', providerCode: '20003' });
    expect(standin.refusals.at(-1)).toEqual({ reason: 'Authenticate', status: 401 });
    const untrusted = createNotifier(config({ twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: standin.baseUrl } }));
    expect(await untrusted.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'tls_failed' });
    const down = createNotifier(config({ twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: 'https://127.0.0.1:1', ca } }));
    expect(await down.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'unreachable', retryable: true });
    const notifier = createNotifier(config());
    // Not a mobile number: refused here, before any request.
    expect(await notifier.send({ phone: '+34912345678' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'invalid_number' });
    expect(await notifier.send({ phone: '202-555-0123' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'invalid_number' });
    expect(await notifier.send({ phone: '+12025550177' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'invalid_number', providerCode: '21211' });
    expect(standin.messages.length).toBe(count);
  });

  it("learns the provider's own opt-out list: a number Twilio refuses as unsubscribed is opted out here too", async () => {
    const notifier = createNotifier(config());
    expect(await notifier.send({ phone: '+12025550166' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'opted_out', providerCode: '21610' });
    expect(await notifier.isOptedOut('sms', '+12025550166')).toBe(true);
    const refusals = standin.refusals.length;
    expect(await notifier.send({ phone: '+12025550166' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'opted_out' });
    expect(standin.refusals.length).toBe(refusals);
  });

  it('parses signed status callbacks (sent, delivered, failed with a code) and refuses forged ones', async () => {
    const notifier = createNotifier(config({ statusCallbackUrl: hookUrl }));
    const updates: StatusUpdate[] = [];
    const delivered = new Promise<void>((resolve) => {
      onHook = async (req) => {
        const update = await notifier.handleSmsStatus(req);
        updates.push(update);
        if (update.state === 'delivered') resolve();
      };
    });
    const result = await notifier.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK });
    expect(standin.messages.at(-1)?.statusCallback).toBe(hookUrl);
    await delivered;
    const sid = result.status === 'sent' ? result.providerId : '';
    expect(updates).toEqual([
      { providerId: sid, state: 'sent', to: PATIENT },
      { providerId: sid, state: 'delivered', to: PATIENT },
    ]);
    updates.length = 0;
    expect(await standin.postStatus(sid, 'undelivered', 30005)).toBe(204);
    expect(updates).toEqual([{ providerId: sid, state: 'failed', to: PATIENT, failure: 'invalid_number', providerCode: '30005' }]);
    // Signed with another account's token, or altered after signing: refused, nothing recorded.
    const params = new URLSearchParams({ AccountSid: ACCOUNT_SID, MessageSid: sid, MessageStatus: 'delivered', To: PATIENT });
    expect(await postSigned(hookUrl, params, 'some-other-auth-token-0000')).toBe(403);
    await expect(notifier.handleSmsStatus({ url: hookUrl, headers: {}, body: params.toString() })).rejects.toMatchObject({ code: 'bad_signature' });
    expect(updates).toEqual([{ providerId: sid, state: 'failed', to: PATIENT, failure: 'invalid_number', providerCode: '30005' }]);
  });

  it('records STOP and START replies (English and Spanish) and answers them; other texts are told to use the link', async () => {
    const notifier = createNotifier(config());
    const inbound = (body: string) => {
      const params = new URLSearchParams({ AccountSid: ACCOUNT_SID, MessageSid: `SM${'1'.repeat(32)}`, From: PATIENT, To: SENDER, Body: body });
      return { url: hookUrl, headers: { 'x-twilio-signature': signFor(params) }, body: params.toString() };
    };
    const stop = await notifier.handleSmsInbound(inbound(' stop '));
    expect(stop.action).toBe('opted_out');
    expect(stop.response).toContain('<Message>You are unsubscribed');
    expect(await notifier.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'opted_out' });
    expect((await notifier.handleSmsInbound(inbound('START'))).action).toBe('opted_in');
    expect(await notifier.isOptedOut('sms', PATIENT)).toBe(false);
    const baja = await notifier.handleSmsInbound(inbound('Baja'));
    expect(baja).toMatchObject({ action: 'opted_out' });
    expect(baja.response).toContain('Se ha dado de baja');
    expect((await notifier.handleSmsInbound(inbound('please stop sending me these'))).action).toBe('ignored');
    expect(await notifier.isOptedOut('sms', PATIENT)).toBe(true);
  });

  it('queues a link during quiet hours until the window ends, but sends a one-time code the patient just asked for', async () => {
    // 22:30 in New York on 1 December 2026 (EST, UTC-5); quiet from 21:00 to 08:00.
    const now = new Date('2026-12-02T03:30:00Z');
    const notifier = createNotifier(config({}, { quietHours: { start: '21:00', end: '08:00', timeZone: 'America/New_York' }, now: () => now }));
    const count = standin.messages.length;
    expect(await notifier.send({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', link: LINK })).toEqual({
      status: 'queued',
      channel: 'sms',
      until: '2026-12-02T13:00:00.000Z',
    });
    expect(standin.messages.length).toBe(count);
    expect(await notifier.sendCode({ phone: PATIENT }, { clinicName: 'Lakeside Clinic', code: '123456' })).toMatchObject({ status: 'sent' });
  });
});

function signFor(params: URLSearchParams): string {
  return signTwilio(AUTH_TOKEN, hookUrl, params);
}
