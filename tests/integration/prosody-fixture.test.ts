import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPasswordOverTls,
  DEV_XMPP_ENV,
  openWire,
  readFeaturesAroundStartTls,
  readDevXmppServer,
  readStreamFeatures,
  startProsody,
  streamHeader,
  writeDevXmppServer,
  type ProsodyHandle,
} from '../support/prosody.ts';
import { SERVERS } from '../support/servers.ts';
import { alive, refused } from '../support/processes.ts';

const USERS = [
  { username: 'alice', password: 'alice-Pw-1' },
  { username: 'bob', password: 'bob-Pw-2' },
];

function tlsError(options: tls.ConnectionOptions): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const socket = tls.connect(options);
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err) => resolve(err));
  });
}

describe('Prosody fixture', () => {
  let server: ProsodyHandle;
  let direct: { host: string; port: number; domain: string; ca: string };

  beforeAll(async () => {
    server = await startProsody({ users: USERS, admins: ['alice@localhost'] });
    direct = { host: server.host, port: server.directTlsPort, domain: server.domain, ca: server.caCertPem };
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves direct TLS that verifies against only the throwaway CA', async () => {
    const features = await readStreamFeatures(direct);
    expect(features).toContain('<mechanism>SCRAM-SHA-256</mechanism>');
    for (const servername of [server.domain, server.mucDomain, server.uploadDomain]) {
      expect(await tlsError({ host: server.host, port: server.directTlsPort, servername, ca: server.caCertPem })).toBeNull();
    }
  });

  it('fails certificate verification without the CA or for a name the certificate does not cover', async () => {
    const withoutCa = await tlsError({ host: server.host, port: server.directTlsPort, servername: 'localhost' });
    expect(withoutCa?.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
    const wrongName = await tlsError({
      host: server.host,
      port: server.directTlsPort,
      servername: 'clinic.example',
      ca: server.caCertPem,
    });
    // Prosody refuses an unknown SNI name outright; a client would also reject the certificate's names.
    expect(wrongName?.code).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|UNRECOGNIZED_NAME/);
  });

  it('requires STARTTLS on the c2s port and offers no SASL before it', async () => {
    const { before, after, authorized } = await readFeaturesAroundStartTls({ ...direct, port: server.c2sPort });
    expect(before).toMatch(/<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required\/><\/starttls>/);
    expect(before).not.toContain('<mechanisms');
    expect(before).not.toContain('PLAIN');
    expect(authorized).toBe(true);
    expect(after).toContain('<mechanism>SCRAM-SHA-256</mechanism>');
    expect(after).not.toContain('<starttls');
  });

  it('registered the users, and refuses wrong passwords and duplicate accounts', async () => {
    expect(await checkPasswordOverTls(direct, 'alice', 'alice-Pw-1')).toBe(true);
    expect(await checkPasswordOverTls(direct, 'bob', 'bob-Pw-2')).toBe(true);
    expect(await checkPasswordOverTls(direct, 'alice', 'bob-Pw-2')).toBe(false);
    await expect(server.register('alice', 'other')).rejects.toThrow(/already exists/);
  });

  /** Signs in with PLAIN inside TLS (a fixture self-check) and binds; returns the features seen. */
  async function signIn(username: string, password: string) {
    const wire = await openWire(direct);
    wire.send(streamHeader(server.domain));
    await wire.waitFor(/<\/stream:features>/);
    const payload = Buffer.from(`\0${username}\0${password}`).toString('base64');
    wire.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${payload}</auth>`);
    await wire.waitFor(/<success\b/);
    wire.send(streamHeader(server.domain));
    const [features] = await wire.waitFor(/<stream:features>(?:(?!<\/stream:features>)[\s\S])*<bind[\s\S]*?<\/stream:features>/);
    let next = 0;
    const iq = async (attrs: string, payloadXml: string) => {
      const id = `q${(next += 1)}`;
      wire.send(`<iq id='${id}' ${attrs}>${payloadXml}</iq>`);
      const [reply] = await wire.waitFor(new RegExp(`<iq[^>]*id='${id}'[^>]*(/>|>[\\s\\S]*?</iq>)`));
      return reply;
    };
    await iq("type='set'", "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>");
    return { wire, features, iq };
  }

  it('offers stream management, CSI, MAM, carbons, MUC and upload after sign-in', async () => {
    const { wire, features, iq } = await signIn('bob', 'bob-Pw-2');
    try {
      expect(features).toContain("<sm xmlns='urn:xmpp:sm:3'>");
      expect(features).toContain("<csi xmlns='urn:xmpp:csi:0'/>");
      const disco = (to: string) => iq(`type='get' to='${to}'`, "<query xmlns='http://jabber.org/protocol/disco#info'/>");
      expect(await disco('bob@localhost')).toContain("var='urn:xmpp:mam:2'");
      expect(await disco(server.domain)).toContain("var='urn:xmpp:carbons:2'");
      expect(await disco(server.mucDomain)).toContain("var='http://jabber.org/protocol/muc'");
      expect(await disco(server.uploadDomain)).toContain("var='urn:xmpp:http:upload:0'");
    } finally {
      wire.close();
    }
  });

  it('hands out upload slots on https://localhost:httpsPort that take a PUT verified against the CA', async () => {
    const { wire, iq } = await signIn('alice', 'alice-Pw-1');
    try {
      const slot = await iq(
        `type='get' to='${server.uploadDomain}'`,
        "<request xmlns='urn:xmpp:http:upload:0' filename='note.txt' size='5' content-type='text/plain'/>",
      );
      const put = new URL(/<put url='([^']+)'/.exec(slot)?.[1] ?? 'missing:');
      const get = new URL(/<get url='([^']+)'/.exec(slot)?.[1] ?? 'missing:');
      expect(put.origin).toBe(`https://localhost:${server.httpsPort}`);
      const auth = /<header name='Authorization'>([^<]+)<\/header>/.exec(slot)?.[1] ?? '';
      const request = (url: URL, method: string, body?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const headers: Record<string, string> = { host: url.host };
          if (body !== undefined) {
            Object.assign(headers, { authorization: auth, 'content-type': 'text/plain', 'content-length': String(body.length) });
          }
          const options = { host: server.host, port: url.port, path: url.pathname, method, servername: url.hostname, ca: server.caCertPem, headers };
          const req = https.request(options, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          });
          req.on('error', reject);
          req.end(body);
        });
      expect((await request(put, 'PUT', 'hello')).status).toBe(201);
      expect(await request(get, 'GET')).toEqual({ status: 200, body: 'hello' });
    } finally {
      wire.close();
    }
  });

  it('registers accounts quickly', async () => {
    const started = performance.now();
    for (let i = 0; i < 5; i += 1) await server.register(`quick${i}`, `quick-pw-${i}`);
    const perUser = (performance.now() - started) / 5;
    // Typically ~50 ms; the bound leaves room for a busy shared CI machine.
    expect(perUser).toBeLessThan(1_000);
    expect(await checkPasswordOverTls(direct, 'quick4', 'quick-pw-4')).toBe(true);
  });

  it('restart() keeps the ports and the accounts; kill() then restart() recovers', async () => {
    const before = { pid: server.pid, c2s: server.c2sPort, direct: server.directTlsPort, https: server.httpsPort };
    await server.restart();
    expect(server.pid).not.toBe(before.pid);
    expect([server.c2sPort, server.directTlsPort, server.httpsPort]).toEqual([before.c2s, before.direct, before.https]);
    expect(alive(before.pid!)).toBe(false);
    expect(await checkPasswordOverTls(direct, 'alice', 'alice-Pw-1')).toBe(true);

    const crashed = server.pid!;
    await server.kill();
    expect(alive(crashed)).toBe(false);
    expect(server.pid).toBeNull();
    expect(await refused(server.directTlsPort)).toBe(true);
    await server.restart();
    expect(await checkPasswordOverTls(direct, 'bob', 'bob-Pw-2')).toBe(true);
  });

  it('extraConfig overrides fixture settings (a PLAIN-only server)', async () => {
    const plainOnly = await startProsody({
      mucDomain: false,
      httpUpload: false,
      extraConfig: 'disable_sasl_mechanisms = { "SCRAM-SHA-256", "SCRAM-SHA-1" }',
    });
    try {
      const features = await readStreamFeatures({ ...direct, port: plainOnly.directTlsPort, ca: plainOnly.caCertPem });
      expect(features).toContain('<mechanism>PLAIN</mechanism>');
      expect(features).not.toContain('SCRAM');
      expect(plainOnly.mucDomain).toBe('');
      expect(fs.readFileSync(plainOnly.configPath, 'utf8')).not.toContain('Component');
    } finally {
      await plainOnly.stop();
    }
  });

  it('passes the server to development workstations through SEALWIRE_DEV_XMPP', () => {
    const env: NodeJS.ProcessEnv = {};
    const { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath } = server;
    writeDevXmppServer({ domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath }, env);
    expect(readDevXmppServer(env)).toMatchObject({ directTlsPort, caCertPem: server.caCertPem });
    expect(readDevXmppServer({ [DEV_XMPP_ENV]: '{"domain":1}' })).toBeNull();
    expect(readDevXmppServer({})).toBeNull();
  });

});

describe('every server fixture', () => {
  it.each(SERVERS)('$name: stop() leaves no process, no listener and no temp folder', async (fixture) => {
    const extra = await fixture.start();
    const pid = extra.pid!;
    expect(alive(pid)).toBe(true);
    await extra.stop();
    expect(alive(pid)).toBe(false);
    expect(await refused(extra.c2sPort)).toBe(true);
    expect(fs.existsSync(extra.dataDir)).toBe(false);
  });
});

describe('npm run demo (electron/dev/demo.ts)', () => {
  it.each(SERVERS)('--server $kind: prints SEALWIRE_DEMO_READY, serves both workstations, and leaves nothing behind on SIGTERM', async ({ kind }) => {
    const demo = spawn(process.execPath, ['electron/dev/demo.ts', '--server', kind], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo not ready:\n${output}`)), 45_000);
        const check = () => {
          const match = /^SEALWIRE_DEMO_READY (.+)$/m.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        demo.stdout.on('data', check);
        void exited.then(() => reject(new Error(`demo exited early:\n${output}`)));
      });
      const ready = JSON.parse(line) as {
        urls: string[];
        patientPhone: string;
        xmpp: { kind: string; host: string; directTlsPort: number; domain: string; caCertPath: string; accounts: Array<{ username: string; password: string }> };
      };
      expect(ready.xmpp.kind).toBe(kind);
      expect(ready.urls).toHaveLength(2);
      expect(new Set(ready.urls.map((u) => new URL(u).hash)).size).toBe(2);
      for (const url of ready.urls) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/html');
      }
      // The patient side: the gateway runs, and the "patient phone" page lists what patients would receive.
      const phone = await fetch(ready.patientPhone);
      expect(phone.status).toBe(200);
      expect(await phone.text()).toContain('Patient phone (demo)');
      expect((await fetch(`${new URL(ready.patientPhone).origin}/phone/guessed`)).status).toBe(404);
      const ca = fs.readFileSync(ready.xmpp.caCertPath, 'utf8');
      const target = { host: ready.xmpp.host, port: ready.xmpp.directTlsPort, domain: ready.xmpp.domain, ca };
      expect(ready.xmpp.accounts.map((a) => a.username)).toEqual(['frontdesk', 'nurse']);
      for (const account of ready.xmpp.accounts) {
        expect(await checkPasswordOverTls(target, account.username, account.password)).toBe(true);
      }
      demo.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await refused(ready.xmpp.directTlsPort)).toBe(true);
      expect(await refused(Number(new URL(ready.patientPhone).port))).toBe(true);
      expect(fs.existsSync(ready.xmpp.caCertPath)).toBe(false);
    } finally {
      demo.kill('SIGKILL');
    }
  });
});
