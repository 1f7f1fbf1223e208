import { randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import path from 'node:path';
import { COMMANDS, type CommandName, type CommandRequest, type CommandResult, type ConversationSummary, type CreateRequest } from '../../shared/contract/patient-gateway.ts';
import { buildCommand, readCommandResult } from '../../node-shared/xmpp/patient-commands.ts';
import type { XmlElement } from '../../node-shared/xmpp/xml.ts';
import type { SmsStandin } from '../../electron/dev/patient-sinks/sms-standin.ts';
import type { SmtpSink } from '../../electron/dev/patient-sinks/smtp-sink.ts';
import { freeLoopbackPorts } from '../../electron/dev/prosody/ports.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { GatewayConfig } from '../../gateway/config.ts';
import { startGateway, type GatewayHandle } from '../../gateway/service.ts';
import { openAccount, type Account } from '../integration/messaging-support.ts';
import { ACCOUNT_SID, AUTH_TOKEN, notifyCertificates, SENDER, SMTP_PASS, SMTP_USER, smsStandin, smtpSink } from '../support/notify-fixture.ts';
import type { ServerFixture } from '../support/servers.ts';
import { makeTempDir } from '../support/temp-dir.ts';

export const TEAM = ['alice', 'bob'] as const;
export const OUTSIDER = 'mallory';
const SECRET = 'component-secret-for-tests';

export interface GatewayFixture {
  readonly server: XmppServerHandle;
  /** The running gateway (replaced by restartGateway). */
  gateway: GatewayHandle;
  /** Stops the gateway only (server, stand-ins and staff stay up); `start` brings it back on the same store. */
  stopGateway(): Promise<void>;
  startGateway(): Promise<void>;
  readonly sms: SmsStandin;
  readonly smtp: SmtpSink;
  readonly ca: string;
  readonly publicUrl: string;
  readonly dir: string;
  readonly logFile: string;
  readonly storeFile: string;
  readonly clock: { offsetMs: number };
  staff(username: string): Promise<Account>;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  readonly policy?: Partial<GatewayConfig['policy']>;
  readonly quietHours?: { start: string; end: string; timeZone: string };
  /** Recipients the loopback SMTP relay refuses at RCPT TO (550). */
  readonly smtpRefuse?: readonly string[];
}

/** A real XMPP server with the component, the loopback SMS and SMTP stand-ins, and the gateway. */
export async function startGatewayFixture(fixture: ServerFixture, options: FixtureOptions = {}): Promise<GatewayFixture> {
  const users = [...TEAM, OUTSIDER].map((u) => ({ username: u, password: `pw-${u}` }));
  const server = await fixture.start({ users, component: { secret: SECRET } });
  const certs = await notifyCertificates();
  const sms = await smsStandin({ autoDeliver: true, callbackCa: certs.caCertPem });
  const smtp = await smtpSink({ secure: true, ...(options.smtpRefuse === undefined ? {} : { refuse: options.smtpRefuse }) });
  const dir = makeTempDir('gateway');
  const [port = 0] = await freeLoopbackPorts(1);
  const publicUrl = `https://localhost:${port}`;
  const logFile = path.join(dir, 'gateway.log');
  const storeFile = path.join(dir, 'gateway.db');
  const config = GatewayConfig.parse({
    clinicName: 'Lakeside Clinic',
    xmpp: {
      host: server.host,
      port: server.componentPort,
      domain: server.domain,
      mucDomain: server.mucDomain,
      secret: { env: 'GW_SECRET' },
      team: TEAM.map((u) => `${u}@${server.domain}`),
    },
    web: { host: '127.0.0.1', port, publicUrl, tls: { cert: certs.certPath, key: certs.keyPath } },
    store: { file: storeFile, key: { env: 'GW_KEY' } },
    notify: {
      sms: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: sms.baseUrl, ca: certs.caCertPem }, statusCallbackUrl: `${publicUrl}/hooks/sms/status` },
      email: { smtp: { host: '127.0.0.1', port: smtp.port, secure: true, user: SMTP_USER, pass: SMTP_PASS, from: 'Lakeside Clinic <no-reply@clinic.example>', ca: certs.caCertPem } },
      ...(options.quietHours === undefined ? {} : { quietHours: options.quietHours }),
    },
    policy: { ...options.policy },
    logFile,
  });
  const clock = { offsetMs: 0 };
  const env = { GW_SECRET: SECRET, GW_KEY: randomBytes(32).toString('hex') };
  const launch = () => startGateway(config, { env, now: () => Date.now() + clock.offsetMs });
  const accounts: Account[] = [];
  let running = true;
  const fx: GatewayFixture = {
    server,
    gateway: await launch(),
    async stopGateway() {
      running = false;
      await fx.gateway.stop();
    },
    async startGateway() {
      fx.gateway = await launch();
      running = true;
    },
    sms,
    smtp,
    ca: certs.caCertPem,
    publicUrl,
    dir,
    logFile,
    storeFile,
    clock,
    async staff(username) {
      const a = await openAccount(server, { dir, username, server: { timeoutMs: 10_000 } });
      accounts.push(a);
      return a;
    },
    async stop() {
      for (const a of accounts) await a.close().catch(() => undefined);
      if (running) await fx.gateway.stop();
      await sms.close();
      await smtp.close();
      await server.stop();
    },
  };
  return fx;
}

/** Runs one command from a staff member's real connection and reads the contract's answer. */
export async function command<N extends CommandName>(fx: GatewayFixture, staff: Account, name: N, request: CommandRequest<N>): Promise<CommandResult<N>> {
  const id = randomUUID();
  const answer = new Promise<XmlElement>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${name}`)), 20_000);
    const off = staff.manager.onStanza((s) => {
      if (s.name === 'iq' && s.attrs['id'] === id) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
  staff.manager.send(buildCommand(fx.gateway.ctx.xmpp.domain, id, name, request));
  const iq = await answer;
  const result = readCommandResult(iq, name);
  if (result === null) throw Object.assign(new Error(`command ${name} answered ${iq.attrs['type']}`), { iq });
  if (!COMMANDS[name].result.safeParse(result).success) throw new Error(`command ${name}: answer outside the contract`);
  return result;
}

/** A new conversation by SMS (consent recorded by `staff`), the staff member in its room. */
export async function openConversation(fx: GatewayFixture, staff: Account, fields: Partial<CreateRequest> & { phone: string; dateOfBirth: string }): Promise<ConversationSummary> {
  const created = await command(fx, staff, 'create', {
    name: 'Test Patient',
    consent: { given: true, recordedBy: staff.jid, method: 'verbal' },
    channel: 'sms',
    locale: 'en',
    ...fields,
  });
  if (!created.ok) throw new Error(created.error.code);
  await staff.engine.joinRoom(created.value.room, staff.jid.split('@')[0] ?? 'staff');
  return created.value;
}

export interface PatientResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A patient's browser over real HTTPS, with its cookie jar (one cookie: the session). */
export class PatientBrowser {
  cookie: string | undefined;
  private readonly base: URL;
  private readonly ca: string;

  constructor(publicUrl: string, ca: string) {
    this.base = new URL(publicUrl);
    this.ca = ca;
  }

  request(method: string, pathAndQuery: string, form?: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<PatientResponse> {
    const body = form === undefined ? undefined : new URLSearchParams(form).toString();
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: this.base.port,
          servername: 'localhost',
          ca: this.ca,
          method,
          path: pathAndQuery,
          headers: {
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', origin: this.base.origin }),
            ...extraHeaders,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const set = res.headers['set-cookie']?.[0];
            if (set !== undefined) {
              const pair = set.split(';')[0] ?? '';
              this.cookie = /Max-Age=0/.test(set) ? undefined : pair;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get = (p: string) => this.request('GET', p);
  post = (p: string, form: Record<string, string>, headers: Record<string, string> = {}) => this.request('POST', p, form, headers);

  /** The CSRF token of the page just loaded. */
  static csrf(page: PatientResponse): string {
    return /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }
}

/** The link in the newest SMS to a number. */
export function lastLink(fx: GatewayFixture, phone: string): string {
  const LINK = /https:\/\/\S+\/p\/[A-Za-z0-9_-]+/;
  const sms = fx.sms.messages.filter((m) => m.to === phone && LINK.test(m.body)).at(-1);
  const link = LINK.exec(sms?.body ?? '')?.[0];
  if (link === undefined) throw new Error('no link sent');
  return new URL(link).pathname;
}

export function lastCode(fx: GatewayFixture, phone: string): string {
  const sms = fx.sms.messages.filter((m) => m.to === phone && !/\/p\//.test(m.body) && /\b\d{6}\b/.test(m.body)).at(-1);
  const code = /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1];
  if (code === undefined) throw new Error('no code sent');
  return code;
}

/** Open the link, give the date of birth and the code: the thread. */
export async function verifyPatient(fx: GatewayFixture, browser: PatientBrowser, phone: string, dob: string): Promise<PatientResponse> {
  const step = (r: PatientResponse, location: string) => {
    if (r.status !== 303 || r.headers.location !== location) throw new Error(`expected a redirect to ${location}, got ${r.status}`);
  };
  step(await browser.get(lastLink(fx, phone)), '/v');
  const dobPage = await browser.get('/v');
  step(await browser.post('/v/dob', { csrf: PatientBrowser.csrf(dobPage), dob }), '/v');
  const codePage = await browser.get('/v');
  step(await browser.post('/v/code', { csrf: PatientBrowser.csrf(codePage), code: lastCode(fx, phone) }), '/t');
  return browser.get('/t');
}

export async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
