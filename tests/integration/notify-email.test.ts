import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, type NotifierConfig } from '../../gateway/notify/index.ts';
import type { SmtpSink } from '../../electron/dev/patient-sinks/smtp-sink.ts';
import { notifyCertificates, optOutSecret, SMTP_PASS, SMTP_USER, smtpSink } from '../support/notify-fixture.ts';
import { removeTempDirs } from '../support/temp-dir.ts';

const LINK = 'https://patients.clinic.example/p/Zm9vYmFyYmF6cXV4cXV1eA';
const OPT_OUT_BASE = 'https://patients.clinic.example/opt-out/';

let sink: SmtpSink;
let starttls: SmtpSink;
let ca: string;

beforeAll(async () => {
  ca = (await notifyCertificates()).caCertPem;
  sink = await smtpSink({ secure: true, refuse: ['nobody@clinic.example'] });
  starttls = await smtpSink({ secure: false });
});

afterAll(async () => {
  await sink.close();
  await starttls.close();
  await removeTempDirs();
});

function config(port: number, extra: Partial<NotifierConfig['email'] & object> = {}, secure = true): NotifierConfig {
  return {
    optOutSecret: optOutSecret(),
    email: {
      smtp: { host: '127.0.0.1', port, secure, user: SMTP_USER, pass: SMTP_PASS, from: 'Lakeside Clinic <no-reply@clinic.example>', ca, timeoutMs: 5000 },
      optOutLinkBase: OPT_OUT_BASE,
      ...extra,
    },
  };
}

describe('e-mail notifications through a real SMTP relay on loopback', () => {
  it('sends the clinic name and the link over implicit TLS, plain text and HTML, with an unsubscribe link', async () => {
    const notifier = createNotifier(config(sink.port));
    const before = sink.messages.length;
    const result = await notifier.send({ email: 'Patient@Example.org' }, { clinicName: 'Lakeside Clinic', link: LINK, locale: 'en' });
    notifier.close();
    expect(result).toMatchObject({ status: 'sent', channel: 'email' });
    const mail = sink.messages[before];
    expect(mail?.to).toEqual(['patient@example.org']);
    expect(mail?.subject).toBe('New secure message from Lakeside Clinic');
    expect(mail?.text).toContain(LINK);
    expect(mail?.html).toContain(`href="${LINK}"`);
    const optOut = notifier.emailOptOutLink('patient@example.org');
    expect(optOut?.startsWith(OPT_OUT_BASE)).toBe(true);
    expect(mail?.text).toContain(optOut);
    expect(mail?.headers.get('list-unsubscribe')).toBe(`<${optOut}>`);
    expect(mail?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // The HTML loads nothing from anywhere: no images, scripts or styles by address.
    expect(mail?.html).not.toMatch(/<(img|script|link|iframe)\b/i);
  });

  it('writes Spanish when asked, and sends one-time codes', async () => {
    const notifier = createNotifier(config(sink.port));
    const before = sink.messages.length;
    expect(await notifier.send({ email: 'paciente@example.org' }, { clinicName: 'Clínica Lago', link: LINK, locale: 'es' })).toMatchObject({ status: 'sent' });
    expect(await notifier.sendCode({ email: 'paciente@example.org' }, { clinicName: 'Clínica Lago', code: '482913', locale: 'es' })).toMatchObject({ status: 'sent' });
    notifier.close();
    const [link, code] = sink.messages.slice(before);
    expect(link?.subject).toBe('Nuevo mensaje seguro de Clínica Lago');
    expect(link?.text).toContain('Para leerlo, abra este enlace');
    expect(code?.subject).toBe('Su código de verificación de Clínica Lago');
    expect(code?.text).toContain('482913');
  });

  it('uses STARTTLS on a submission port and refuses a relay whose certificate is not trusted', async () => {
    const ok = createNotifier(config(starttls.port, {}, false));
    expect(await ok.send({ email: 'a@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ status: 'sent' });
    ok.close();
    const before = sink.messages.length;
    const base = config(sink.port);
    const untrusted = createNotifier({ ...base, email: { smtp: { ...base.email!.smtp, ca: undefined } } });
    expect(await untrusted.send({ email: 'a@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({
      status: 'failed',
      failure: 'tls_failed',
      retryable: false,
    });
    untrusted.close();
    expect(sink.messages.length).toBe(before);
  });

  it('names wrong credentials, a refused recipient, a malformed address and an unreachable relay', async () => {
    const base = config(sink.port);
    const wrong = createNotifier({ ...base, email: { smtp: { ...base.email!.smtp, pass: 'not-the-password' } } });
    expect(await wrong.send({ email: 'a@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'auth_failed' });
    wrong.close();
    const notifier = createNotifier(base);
    expect(await notifier.send({ email: 'nobody@clinic.example' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'invalid_email' });
    expect(await notifier.send({ email: 'a@example.org\r\nBcc: x@evil.example' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'invalid_email' });
    expect(await notifier.send({ phone: '+12025550123', channel: 'email' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'no_channel' });
    notifier.close();
    // A port nothing listens on: a temporary failure, worth retrying.
    const closed = createNotifier(config(1));
    expect(await closed.send({ email: 'a@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'unreachable', retryable: true });
    closed.close();
  });

  it('honours the unsubscribe link: the address is opted out and nothing more is sent to it', async () => {
    const notifier = createNotifier(config(sink.port));
    const token = notifier.emailOptOutLink('Out@Example.org')!.slice(OPT_OUT_BASE.length);
    expect(await notifier.handleEmailOptOut('../../etc/passwd')).toBe(false);
    expect(await notifier.handleEmailOptOut(token)).toBe(true);
    expect(await notifier.isOptedOut('email', 'out@example.org')).toBe(true);
    const before = sink.messages.length;
    expect(await notifier.send({ email: 'out@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ failure: 'opted_out' });
    expect(await notifier.sendCode({ email: 'out@example.org' }, { clinicName: 'Lakeside Clinic', code: '123456' })).toMatchObject({ failure: 'opted_out' });
    expect(sink.messages.length).toBe(before);
    // Staff record that the patient asked to be contacted again.
    await notifier.setOptedOut('email', 'out@example.org', false, 'staff');
    expect(await notifier.send({ email: 'out@example.org' }, { clinicName: 'Lakeside Clinic', link: LINK })).toMatchObject({ status: 'sent' });
    notifier.close();
  });
});
