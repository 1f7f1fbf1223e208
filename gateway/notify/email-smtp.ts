import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { NotifyError, type NotifyFailure } from './errors.ts';
import type { EmailBody } from './bodies.ts';
import { isTlsFailure } from './tls-errors.ts';

/**
 * E-mail through the clinic's SMTP relay with nodemailer. TLS is not optional: implicit TLS
 * (port 465, `secure: true`) or STARTTLS that must succeed (`requireTLS`), certificates checked.
 */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** true: TLS from the first byte (465). false: plain connect, then STARTTLS, required (587). */
  readonly secure: boolean;
  readonly user?: string;
  readonly pass?: string;
  /** The sender, e.g. "Clinic <no-reply@clinic.example>". */
  readonly from: string;
  /** An extra CA (PEM) to trust for the relay (a clinic's private CA). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface EmailOutcome {
  readonly ok: boolean;
  readonly messageId?: string;
  readonly failure?: NotifyFailure;
  readonly providerCode?: string;
}

export interface EmailSender {
  send(to: string, body: EmailBody, optOutLink: string | undefined): Promise<EmailOutcome>;
  close(): void;
}

function failureOf(err: unknown): EmailOutcome {
  const e = err as { code?: string; responseCode?: number; command?: string };
  const providerCode = e.responseCode === undefined ? e.code : String(e.responseCode);
  const out = (failure: NotifyFailure): EmailOutcome => ({ ok: false, failure, ...(providerCode === undefined ? {} : { providerCode }) });
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return out('auth_failed');
  if (e.code === 'ETLS' || isTlsFailure(err)) return out('tls_failed');
  const status = e.responseCode ?? 0;
  // 4xx is temporary by definition (RFC 5321 §4.2.1); a 5xx on RCPT is about the address.
  if (status >= 400 && status < 500) return out('unreachable');
  if (status >= 500 && e.command === 'RCPT TO') return out('invalid_email');
  if (status >= 500 || e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return out('provider_rejected');
  return out('unreachable');
}

export function createSmtpSender(config: SmtpConfig): EmailSender {
  if (config.host.length === 0 || !Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
    throw new NotifyError('invalid_config', 'email.smtp needs a host and a port');
  }
  if ((config.user === undefined) !== (config.pass === undefined)) throw new NotifyError('invalid_config', 'email.smtp.user and pass go together');
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(config.from)?.[1];
  if (fromDomain === undefined) throw new NotifyError('invalid_config', 'email.from must hold an address');
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure,
    // EHLO names the sending domain, not this machine.
    name: fromDomain,
    ...(config.user === undefined ? {} : { auth: { user: config.user, pass: config.pass ?? '' } }),
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(config.ca === undefined ? {} : { ca: config.ca }) },
    connectionTimeout: config.timeoutMs ?? 10_000,
    greetingTimeout: config.timeoutMs ?? 10_000,
    socketTimeout: config.timeoutMs ?? 10_000,
    // nodemailer's own logging would print addresses and bodies.
    logger: false,
    debug: false,
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(to, body, optOutLink) {
      try {
        const info = await transport.sendMail({
          from: config.from,
          to,
          subject: body.subject,
          text: body.text,
          html: body.html,
          headers: {
            'Auto-Submitted': 'auto-generated',
            ...(optOutLink === undefined ? {} : { 'List-Unsubscribe': `<${optOutLink}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
          },
        });
        if (info.rejected.length > 0) return { ok: false, failure: 'invalid_email' };
        return { ok: true, messageId: info.messageId };
      } catch (err) {
        return failureOf(err);
      }
    },
    close: () => transport.close(),
  };
}
