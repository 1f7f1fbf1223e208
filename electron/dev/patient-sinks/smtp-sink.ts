import fs from 'node:fs/promises';
import { SMTPServer } from 'smtp-server';
import { decodeMail, type DecodedMail } from './mime-text.ts';

/**
 * A real SMTP server on loopback (the `smtp-server` package) standing in for a clinic's mail
 * relay: TLS with a throwaway certificate, AUTH required, every accepted message kept in memory.
 */
export interface CapturedMail extends DecodedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly at: number;
}

export interface SmtpSinkOptions {
  readonly certPath: string;
  readonly keyPath: string;
  readonly user: string;
  readonly pass: string;
  /** true: TLS from the first byte (like port 465); false: STARTTLS offered (like 587). */
  readonly secure: boolean;
  /** Recipients the relay refuses at RCPT TO with 550. */
  readonly refuse?: readonly string[];
}

export interface SmtpSink {
  readonly port: number;
  readonly messages: CapturedMail[];
  onMessage(listener: (mail: CapturedMail) => void): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const listeners: ((mail: CapturedMail) => void)[] = [];
  const refuse = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    secure: options.secure,
    key: await fs.readFile(options.keyPath),
    cert: await fs.readFile(options.certPath),
    authMethods: ['PLAIN', 'LOGIN'],
    // Never accept credentials over a plain connection, like a real relay.
    allowInsecureAuth: false,
    logger: false,
    disableReverseLookup: true,
    size: 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.pass) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeFrom = session.envelope.mailFrom;
        const mail: CapturedMail = {
          ...decodeMail(raw),
          from: envelopeFrom === false ? '' : envelopeFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          at: Date.now(),
        };
        messages.push(mail);
        for (const l of listeners) l(mail);
        callback();
      });
    },
  });
  server.on('error', () => {
    // A client hanging up mid-session is not the sink's problem.
  });
  await new Promise<void>((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => resolve());
    server.server.once('error', reject);
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    messages,
    onMessage: (l) => void listeners.push(l),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
