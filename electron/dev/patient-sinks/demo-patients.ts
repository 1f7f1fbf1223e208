import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { makeCertificates } from '../prosody/certs.ts';
import { freeLoopbackPorts } from '../prosody/ports.ts';
import type { XmppServerHandle } from '../xmpp-server.ts';
import { startSmsStandin, type CapturedSms, type SmsStandin } from './sms-standin.ts';
import { startSmtpSink, type CapturedMail, type SmtpSink } from './smtp-sink.ts';

/**
 * The demo's patient side: the real gateway (component on the demo's XMPP server), a loopback
 * Twilio stand-in and SMTP relay that keep what would have been sent, and a "patient phone" page
 * listing it, so a person can click the link and play the patient. Made-up data only.
 */
export interface DemoPatients {
  readonly phoneUrl: string;
  readonly patientPageUrl: string;
  readonly caCertPath: string;
  stop(): Promise<void>;
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Text with its https links made clickable; everything else escaped. */
function linked(text: string): string {
  return text
    .split(/(https:\/\/[^\s<>"]+)/)
    .map((part, i) => (i % 2 === 1 ? `<a href="${escape(part)}" target="_blank" rel="noopener noreferrer">${escape(part)}</a>` : escape(part)))
    .join('');
}

function phonePage(sms: readonly CapturedSms[], mail: readonly CapturedMail[]): string {
  const items = [
    ...sms.map((m) => ({ at: m.at, html: `<li><p class="meta">Text message to ${escape(m.to)}</p><p>${linked(m.body).replace(/\n/g, '<br>')}</p></li>` })),
    ...mail.map((m) => ({ at: m.at, html: `<li><p class="meta">E-mail to ${escape(m.to.join(', '))}: ${escape(m.subject)}</p><p>${linked(m.text).replace(/\n/g, '<br>')}</p></li>` })),
  ]
    .sort((a, b) => b.at - a.at)
    .map((i) => i.html);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="3"><title>Patient phone (demo)</title>
<style>body{font-family:sans-serif;max-width:30rem;margin:0 auto;padding:1rem}li{list-style:none;border:1px solid #ccc;border-radius:12px;padding:.5rem .75rem;margin:.5rem 0}.meta{color:#555;font-size:.85rem;margin:0}ul{padding:0}</style></head>
<body><h1>Patient phone (demo)</h1><p>What the patient would have received by text message or e-mail. Open a link to play the patient. This page refreshes every few seconds.</p>
${items.length === 0 ? '<p>Nothing received yet. Send a patient message from a workstation.</p>' : `<ul>${items.join('')}</ul>`}</body></html>`;
}

const GATEWAY_MAIN = path.resolve(import.meta.dirname, '../../../gateway/main.ts');

/** Resolves when the gateway prints that it is up; rejects with its one-line reason when it exits. */
function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr?.on('data', (c: Buffer) => (errors += c.toString('utf8')));
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString('utf8').includes('patient gateway:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the patient gateway stopped (${code ?? 'signal'}): ${errors.trim().split('\n').at(-1) ?? ''}`)));
  });
}

export async function startDemoPatients(options: { server: XmppServerHandle; secret: string; team: readonly string[] }): Promise<DemoPatients> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sealwire-demo-gateway-'));
  const certs = await makeCertificates(path.join(dir, 'tls'), ['localhost']);
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const smtpPass = randomBytes(12).toString('base64url');
  let sms: SmsStandin | undefined;
  let smtp: SmtpSink | undefined;
  let gateway: ChildProcess | undefined;
  let phone: http.Server | undefined;
  const stop = async () => {
    phone?.closeAllConnections();
    await new Promise<void>((resolve) => (phone ? phone.close(() => resolve()) : resolve()));
    if (gateway !== undefined && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await sms?.close();
    await smtp?.close();
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    sms = await startSmsStandin({ certPath: certs.certPath, keyPath: certs.keyPath, accountSid, authToken, callbackCa: certs.caCertPem });
    smtp = await startSmtpSink({ certPath: certs.certPath, keyPath: certs.keyPath, user: 'gateway', pass: smtpPass, secure: true });
    const [webPort = 0, phonePort = 0] = await freeLoopbackPorts(2);
    const publicUrl = `https://localhost:${webPort}`;
    // The gateway runs as its own process from a config file, exactly as a clinic runs it (README).
    const config = {
      clinicName: 'Demo Clinic',
      xmpp: {
        host: options.server.host,
        port: options.server.componentPort,
        domain: options.server.domain,
        mucDomain: options.server.mucDomain,
        secret: { env: 'DEMO_GATEWAY_SECRET' },
        team: options.team,
      },
      web: { host: '127.0.0.1', port: webPort, publicUrl, tls: { cert: certs.certPath, key: certs.keyPath } },
      store: { file: path.join(dir, 'gateway.db'), key: { env: 'DEMO_GATEWAY_KEY' } },
      notify: {
        sms: { twilio: { accountSid, authToken, from: '+12025550100', baseUrl: sms.baseUrl, ca: certs.caCertPem }, statusCallbackUrl: `${publicUrl}/hooks/sms/status` },
        email: { smtp: { host: '127.0.0.1', port: smtp.port, secure: true, user: 'gateway', pass: smtpPass, from: 'Demo Clinic <no-reply@clinic.example>', ca: certs.caCertPem } },
      },
      logFile: path.join(dir, 'gateway.log'),
    };
    const configFile = path.join(dir, 'gateway.json');
    await fsp.writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    gateway = spawn(process.execPath, [GATEWAY_MAIN, '--config', configFile], {
      env: { ...process.env, DEMO_GATEWAY_SECRET: options.secret, DEMO_GATEWAY_KEY: randomBytes(32).toString('hex') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await started(gateway);
    const token = randomBytes(16).toString('base64url');
    const captured = { sms: sms.messages, mail: smtp.messages };
    phone = http.createServer((req, res) => {
      const ok = req.method === 'GET' && req.url === `/phone/${token}`;
      res.writeHead(ok ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(ok ? phonePage(captured.sms, captured.mail) : 'Not found');
    });
    await new Promise<void>((resolve) => phone!.listen(phonePort, '127.0.0.1', resolve));
    return { phoneUrl: `http://127.0.0.1:${phonePort}/phone/${token}`, patientPageUrl: publicUrl, caCertPath: certs.caCertPath, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
