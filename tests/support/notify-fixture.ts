import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { makeCertificates, type TestCertificates } from '../../electron/dev/prosody/certs.ts';
import { startSmsStandin, type SmsStandin, type SmsStandinOptions } from '../../electron/dev/patient-sinks/sms-standin.ts';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../electron/dev/patient-sinks/smtp-sink.ts';
import { makeTempDir } from './temp-dir.ts';

/** Loopback SMS stand-in and SMTP relay with one throwaway CA, for the notifier's tests. */
export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const SENDER = '+12025550100';
export const SMTP_USER = 'gateway';
export const SMTP_PASS = 'relay-password-for-tests';

let certs: TestCertificates | undefined;

export async function notifyCertificates(): Promise<TestCertificates> {
  certs ??= await makeCertificates(path.join(makeTempDir('notify-certs'), 'tls'), ['localhost']);
  return certs;
}

export async function smsStandin(extra: Partial<SmsStandinOptions> = {}): Promise<SmsStandin> {
  const c = await notifyCertificates();
  return startSmsStandin({ certPath: c.certPath, keyPath: c.keyPath, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, ...extra });
}

export async function smtpSink(extra: Partial<SmtpSinkOptions> = {}): Promise<SmtpSink> {
  const c = await notifyCertificates();
  return startSmtpSink({ certPath: c.certPath, keyPath: c.keyPath, user: SMTP_USER, pass: SMTP_PASS, secure: true, ...extra });
}

export const optOutSecret = (): Buffer => randomBytes(32);
