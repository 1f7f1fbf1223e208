import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, memoryOptOutStore, type LinkMessage, type NotifierConfig, type OptOutRecord, type Recipient } from '../../gateway/notify/index.ts';
import { signTwilio, type SmsStandin } from '../../electron/dev/patient-sinks/sms-standin.ts';
import type { SmtpSink } from '../../electron/dev/patient-sinks/smtp-sink.ts';
import { ACCOUNT_SID, AUTH_TOKEN, notifyCertificates, optOutSecret, SENDER, SMTP_PASS, SMTP_USER, smsStandin, smtpSink } from '../support/notify-fixture.ts';
import { removeTempDirs } from '../support/temp-dir.ts';

const LINK = 'https://patients.clinic.example/p/Zm9vYmFyYmF6cXV4cXV1eA';
const PHONE = '+12025550123';
const EMAIL = 'canary.patient@example.org';
const HOOK = 'https://patients.clinic.example/sms/inbound';
// Unique strings standing for what a patient conversation holds.
const CANARIES = ['Zyxwanda Qortimer', '1961-07-04', '07/04/1961', 'CANARY-biopsy-results-9f3a', 'MRN-CANARY-55120'];

let standin: SmsStandin;
let sink: SmtpSink;
let config: NotifierConfig;
let records: Map<string, OptOutRecord>;

beforeAll(async () => {
  const ca = (await notifyCertificates()).caCertPem;
  standin = await smsStandin();
  sink = await smtpSink();
  records = new Map();
  const store = memoryOptOutStore();
  config = {
    optOutSecret: optOutSecret(),
    optOutStore: { get: (k) => store.get(k), set: (k, r) => (records.set(k, r), store.set(k, r)) },
    sms: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: standin.baseUrl, ca } },
    email: {
      smtp: { host: '127.0.0.1', port: sink.port, secure: true, user: SMTP_USER, pass: SMTP_PASS, from: 'Lakeside Clinic <no-reply@clinic.example>', ca },
      optOutLinkBase: 'https://patients.clinic.example/opt-out/',
    },
  };
});

afterAll(async () => {
  await standin.close();
  await sink.close();
  await removeTempDirs();
});

const inbound = (body: string, token = AUTH_TOKEN, signedUrl = HOOK) => {
  const params = new URLSearchParams({ AccountSid: ACCOUNT_SID, MessageSid: `SM${'2'.repeat(32)}`, From: PHONE, To: SENDER, Body: body });
  return { url: HOOK, headers: { 'x-twilio-signature': signTwilio(token, signedUrl, params) }, body: params.toString() };
};

describe('notifications carry no PHI', () => {
  it('patient name, date of birth and message canaries handed to the notifier never appear in an SMS or an e-mail, in either language', async () => {
    const notifier = createNotifier(config);
    // A careless caller passes the whole conversation along: the notifier must use none of it.
    const recipient = { phone: PHONE, email: EMAIL, name: CANARIES[0], dateOfBirth: CANARIES[1] } as Recipient;
    for (const locale of ['en', 'es'] as const) {
      const message = { clinicName: 'Lakeside Clinic', link: LINK, locale, text: CANARIES[3], patient: { name: CANARIES[0], dob: CANARIES[2], mrn: CANARIES[4] } } as LinkMessage;
      expect(await notifier.send({ ...recipient, channel: 'sms' }, message)).toMatchObject({ status: 'sent' });
      expect(await notifier.send({ ...recipient, channel: 'email' }, message)).toMatchObject({ status: 'sent' });
      expect(await notifier.sendCode({ ...recipient, channel: 'sms' }, { ...message, code: '123456' })).toMatchObject({ status: 'sent' });
      expect(await notifier.sendCode({ ...recipient, channel: 'email' }, { ...message, code: '123456' })).toMatchObject({ status: 'sent' });
    }
    notifier.close();
    expect(standin.messages).toHaveLength(4);
    expect(sink.messages).toHaveLength(4);
    const everything = [...standin.messages.map((m) => JSON.stringify(m)), ...sink.messages.map((m) => `${m.raw}\n${m.subject}\n${m.text}\n${m.html}`)].join('\n');
    expect(everything).toContain(LINK);
    for (const canary of CANARIES) expect(everything).not.toContain(canary);
  });

  it('the opt-out list holds keyed hashes, never a number or an address', async () => {
    const notifier = createNotifier(config);
    await notifier.handleSmsInbound(inbound('STOP'));
    await notifier.setOptedOut('email', EMAIL, true, 'staff');
    expect(await notifier.isOptedOut('sms', PHONE)).toBe(true);
    const stored = JSON.stringify([...records]);
    expect(records.size).toBe(2);
    for (const secret of [PHONE, PHONE.slice(1), EMAIL, EMAIL.split('@')[0]]) expect(stored).not.toContain(secret);
    await notifier.handleSmsInbound(inbound('START'));
    await notifier.setOptedOut('email', EMAIL, false, 'staff');
  });
});

describe('notification webhooks and inputs cannot be forged or smuggled', () => {
  it('an unsigned, wrongly signed or re-addressed STOP does not opt a patient out; a signed one does', async () => {
    const notifier = createNotifier(config);
    const forged = [
      { ...inbound('STOP'), headers: {} },
      inbound('STOP', 'another-accounts-auth-token-00'),
      inbound('STOP', AUTH_TOKEN, 'https://attacker.example/sms/inbound'),
      { ...inbound('START'), body: new URLSearchParams({ AccountSid: ACCOUNT_SID, From: PHONE, Body: 'STOP' }).toString() },
    ];
    for (const request of forged) await expect(notifier.handleSmsInbound(request)).rejects.toMatchObject({ code: 'bad_signature' });
    expect(await notifier.isOptedOut('sms', PHONE)).toBe(false);
    // Correctly signed but for another Twilio account: not ours to act on.
    const params = new URLSearchParams({ AccountSid: `AC${'f'.repeat(32)}`, From: PHONE, Body: 'STOP' });
    await expect(notifier.handleSmsInbound({ url: HOOK, headers: { 'x-twilio-signature': signTwilio(AUTH_TOKEN, HOOK, params) }, body: params.toString() })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await notifier.isOptedOut('sms', PHONE)).toBe(false);
    expect((await notifier.handleSmsInbound(inbound('STOP'))).action).toBe('opted_out');
    expect(await notifier.isOptedOut('sms', PHONE)).toBe(true);
    await notifier.handleSmsInbound(inbound('START'));
  });

  it('a clinic name or address carrying line breaks, or a link that is not https, is refused before anything is sent', async () => {
    const notifier = createNotifier(config);
    const sms = standin.messages.length;
    const mail = sink.messages.length;
    const bad: [Recipient, LinkMessage, string][] = [
      [{ email: EMAIL }, { clinicName: 'Lakeside\r\nBcc: spy@attacker.example', link: LINK }, 'invalid_message'],
      [{ email: `${EMAIL}\r\nBcc: spy@attacker.example` }, { clinicName: 'Lakeside Clinic', link: LINK }, 'invalid_email'],
      [{ email: `"Spy" <spy@attacker.example>, ${EMAIL}` }, { clinicName: 'Lakeside Clinic', link: LINK }, 'invalid_email'],
      [{ phone: PHONE }, { clinicName: 'Lakeside Clinic', link: 'javascript:alert(1)' }, 'invalid_message'],
      [{ phone: PHONE }, { clinicName: 'Lakeside Clinic', link: 'http://patients.clinic.example/p/x' }, 'invalid_message'],
      [{ phone: PHONE }, { clinicName: 'Lakeside Clinic', link: 'https://user:pw@patients.clinic.example/p/x' }, 'invalid_message'],
      [{ phone: PHONE }, { clinicName: 'Lakeside Clinic\u202e', link: LINK }, 'invalid_message'],
    ];
    for (const [recipient, message, failure] of bad) expect(await notifier.send(recipient, message)).toMatchObject({ status: 'failed', failure });
    notifier.close();
    expect(standin.messages.length).toBe(sms);
    expect(sink.messages.length).toBe(mail);
  });
});
