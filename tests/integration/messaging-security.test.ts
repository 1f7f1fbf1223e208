import { createHash, X509Certificate } from 'node:crypto';
import fsp from 'node:fs/promises';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import type { Logger } from '../../electron/core/log/logger.ts';
import { checkCredentials, verifyCredentials } from '../../electron/core/messaging/credential-check.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import { makeCertificates } from '../../electron/dev/prosody/certs.ts';
import { startProsody } from '../../electron/dev/prosody/index.ts';
import type { XmppServerHandle } from '../../electron/dev/xmpp-server.ts';
import { SERVERS } from '../support/servers.ts';
import { serverFor } from './messaging-support.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const STAFF = { username: 'nurse', password: 'correct horse' };
const spki = (pem: string) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

describe.each(SERVERS)('against a real $name', (fixture) => {
  let prosody: XmppServerHandle;
  let serverCertPem: string;

  beforeAll(async () => {
    prosody = await fixture.start({ users: [STAFF], mucDomain: false, httpUpload: false });
    serverCertPem = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: prosody.host, port: prosody.directTlsPort, servername: prosody.domain, ca: prosody.caCertPem }, () => {
        const raw = s.getPeerCertificate().raw;
        s.destroy();
        resolve(new X509Certificate(raw).toString());
      });
      s.on('error', reject);
    });
  });

  afterAll(async () => {
    await prosody?.stop();
  });

  describe('connection security', () => {
    it('signs in over STARTTLS and direct TLS with the organisation CA, preferring SCRAM-SHA-256', async () => {
      const used: string[] = [];
      expect(await checkCredentials(serverFor(prosody), STAFF, (m) => used.push(m))).toBe('ok');
      expect(await checkCredentials(serverFor(prosody, { port: prosody.directTlsPort, mode: 'directtls' }), STAFF, (m) => used.push(m))).toBe('ok');
      // -PLUS (channel binding) where the server offers it: ejabberd always, Prosody 0.12 on TLS 1.2 only.
      expect(used).toEqual(fixture.name === 'Prosody' ? ['SCRAM-SHA-256', 'SCRAM-SHA-256'] : ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256-PLUS']);
    });

    it('refuses an untrusted certificate on both ports (no CA given: system roots do not know it)', async () => {
      const { ca: _ca, ...noCa } = serverFor(prosody);
      expect(await checkCredentials(noCa, STAFF)).toBe('untrusted_certificate');
      expect(await checkCredentials({ ...noCa, port: prosody.directTlsPort, mode: 'directtls' }, STAFF)).toBe('untrusted_certificate');
    });

    it('refuses a certificate for another name even when its CA is trusted', async () => {
      // The server refuses unknown SNI names itself, so a loopback TLS server presents a CA-signed
      // certificate for "localhost" while we expect "clinic.example".
      const dir = makeTempDir('msg-cert');
      const certs = await makeCertificates(dir, ['localhost']);
      const server = tls.createServer({ cert: await fsp.readFile(certs.certPath), key: await fsp.readFile(certs.keyPath) }, (s) => s.end());
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const port = (server.address() as { port: number }).port;
        const base = { host: '127.0.0.1', port, mode: 'directtls' as const, ca: certs.caCertPem, timeoutMs: 5_000 };
        expect(await checkCredentials({ ...base, domain: 'clinic.example' }, STAFF)).toBe('untrusted_certificate');
        // Same server, right name: TLS passes (then the server hangs up, which is a network error).
        expect(await checkCredentials({ ...base, domain: 'localhost' }, STAFF)).toBe('unknown_server');
      } finally {
        server.close();
        await removeTempDir(dir);
      }
    });

    it('pins: accepts the pinned key, refuses any other', async () => {
      expect(await checkCredentials(serverFor(prosody, { pinSha256: [spki(serverCertPem)] }), STAFF)).toBe('ok');
      expect(await checkCredentials(serverFor(prosody, { pinSha256: [spki(prosody.caCertPem)] }), STAFF)).toBe('untrusted_certificate');
    });

    it('gives the session layer three distinct errors: wrong password, unknown server, untrusted certificate', async () => {
      const codeOf = async (p: Promise<unknown>) => {
        try {
          await p;
          return 'ok';
        } catch (err) {
          expect(err).toBeInstanceOf(CoreError);
          return (err as CoreError).code;
        }
      };
      expect(await codeOf(verifyCredentials(serverFor(prosody), STAFF))).toBe('ok');
      expect(await codeOf(verifyCredentials(serverFor(prosody), { ...STAFF, password: 'wrong' }))).toBe('wrong_password');
      expect(await codeOf(verifyCredentials(serverFor(prosody), { username: 'nobody', password: 'x' }))).toBe('wrong_password');
      const { ca: _ca, ...noCa } = serverFor(prosody);
      expect(await codeOf(verifyCredentials(noCa, STAFF))).toBe('certificate');
      // Nothing listens on the fixture's HTTPS-less port 1; and a name that does not resolve.
      expect(await codeOf(verifyCredentials(serverFor(prosody, { port: 1 }), STAFF))).toBe('network');
      expect(await codeOf(verifyCredentials(serverFor(prosody, { host: 'no-such-host.invalid' }), STAFF))).toBe('network');
    });

    it('a wrong password stops the connection manager (auth_failed), no retry loop', async () => {
      const states: string[] = [];
      const m = createConnectionManager({ server: serverFor(prosody), credentials: { ...STAFF, password: 'nope' }, log: quiet, backoffBaseMs: 10 });
      m.onState((s) => states.push(s));
      m.start();
      await expect(m.waitOnline(10_000)).rejects.toThrow('auth_failed');
      await new Promise((r) => setTimeout(r, 200));
      expect(states).toEqual(['connecting', 'auth_failed']);
      await m.stop();
    });
  });
});

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

describe('servers that do not meet the bar', () => {
  it('a server offering only PLAIN is refused by default, accepted (inside TLS) only when allowed', async () => {
    const plainOnly = await startProsody({
      users: [STAFF],
      mucDomain: false,
      httpUpload: false,
      extraConfig: 'disable_sasl_mechanisms = { "SCRAM-SHA-1"; "SCRAM-SHA-256"; "SCRAM-SHA-1-PLUS"; "SCRAM-SHA-256-PLUS"; "DIGEST-MD5" }',
    });
    try {
      expect(await checkCredentials(serverFor(plainOnly), STAFF)).toBe('insecure_server');
      await expect(verifyCredentials(serverFor(plainOnly), STAFF)).rejects.toMatchObject({ code: 'unsupported' });
      const used: string[] = [];
      expect(await checkCredentials(serverFor(plainOnly, { allowPlain: true }), STAFF, (m) => used.push(m))).toBe('ok');
      expect(used).toEqual(['PLAIN']);
      const states: string[] = [];
      const m = createConnectionManager({ server: serverFor(plainOnly), credentials: STAFF, log: quiet });
      m.onState((s) => states.push(s));
      m.start();
      await expect(m.waitOnline(10_000)).rejects.toThrow('insecure_server');
      expect(states).toEqual(['connecting', 'insecure_server']);
      await m.stop();
    } finally {
      await plainOnly.stop();
    }
  });
});
