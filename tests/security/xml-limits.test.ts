import fs from 'node:fs';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../electron/core/log/logger.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import { el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import { makeCertificates } from '../../electron/dev/prosody/certs.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { bodies, openAccount, until, type Account } from '../integration/messaging-support.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// Issue 8 item 6 (XML input limits). A colleague's stanza relayed by the real Prosody, and a
// hostile server on loopback that streams one endless stanza.

let prosody: ProsodyHandle;
const accounts: Account[] = [];
beforeAll(async () => {
  prosody = await startProsody({ users: [{ username: 'eve', password: 'pw-eve' }, { username: 'bob', password: 'pw-bob' }], mucDomain: false, httpUpload: false });
});
afterAll(async () => {
  for (const a of accounts) await a.close().catch(() => undefined);
  await prosody?.stop();
  await removeTempDirs();
});

const nest = (depth: number, inner: XmlElement | string): XmlElement =>
  depth === 0 ? (inner as XmlElement) : el('x', 'urn:example:deep', {}, nest(depth - 1, inner));

describe('XML input limits', () => {
  it("a colleague's message nested 1,000 deep is dropped unbuilt; the stream stays up and the next message arrives", async () => {
    const dir = makeTempDir('xml-limits');
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (event, fields) => warnings.push(`${event}:${String((fields as { reason?: string })?.reason)}`) };
    const eve = await openAccount(prosody, { dir, username: 'eve' });
    const bob = await openAccount(prosody, { dir, username: 'bob', log });
    accounts.push(eve, bob);
    const states: string[] = [];
    bob.manager.onState((s) => states.push(s));
    const deep = el('message', NS_CLIENT, { to: bob.jid, type: 'chat', id: 'deep-1' }, el('body', NS_CLIENT, {}, 'deep one'), nest(1_000, 'leaf'));
    expect(eve.manager.send(deep)).toBe(true);
    eve.engine.send({ to: bob.jid, body: 'after the deep one' });
    await until(() => bodies(bob.store, eve.jid).length >= 1, 10_000, 'next message');
    expect(bodies(bob.store, eve.jid)).toEqual(['after the deep one']);
    expect(warnings).toContain('messaging.stanza_refused:depth');
    expect(states).toEqual([]); // never dropped, never reconnected
    // Stream management counted it, so a reconnect does not bring it back.
    bob.manager.dropSocket();
    await bob.manager.waitOnline();
    await new Promise((r) => setTimeout(r, 300));
    expect(bodies(bob.store, eve.jid)).toEqual(['after the deep one']);
  });

  it('a server streaming a 40 MB stanza gets a <policy-violation/> stream error; the client reconnects; memory stays flat', async () => {
    const certs = await makeCertificates(makeTempDir('xml-limits-certs'), ['localhost']);
    const seen: string[] = [];
    let connections = 0;
    let endless = false;
    const header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' from='localhost' version='1.0'>";
    const server = tls.createServer({ cert: fs.readFileSync(certs.certPath), key: fs.readFileSync(certs.keyPath) }, (socket) => {
      connections++;
      let received = '';
      let step = 0;
      socket.on('error', () => {});
      socket.on('data', (d) => {
        received += d.toString();
        seen[connections - 1] = received;
        if (step === 0 && received.includes('<stream:stream')) {
          step = 1;
          socket.write(`${header}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`);
        } else if (step === 1 && received.includes('<auth')) {
          step = 2;
          socket.write(`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`);
        } else if (step === 2 && received.lastIndexOf('<stream:stream') > received.indexOf('<auth')) {
          step = 3;
          socket.write(`${header}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`);
        } else if (step === 3 && received.includes('<iq')) {
          step = 4;
          const id = /<iq[^>]* id="([^"]+)"/.exec(received)?.[1] ?? 'x';
          socket.write(`<iq type='result' id='${id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>u@localhost/r</jid></bind></iq>`);
          if (connections > 1 && !endless) return; // the second session is left alone
          socket.write(`<message from='x@localhost'><body>`);
          const chunk = 'A'.repeat(64 * 1024);
          let sent = 0;
          const pump = () => {
            while (sent < 640 && !socket.destroyed) {
              sent++;
              if (!socket.write(chunk)) return void socket.once('drain', pump);
            }
          };
          pump();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const m = createConnectionManager({
      server: { domain: 'localhost', host: '127.0.0.1', port, mode: 'directtls', ca: certs.caCertPem, allowPlain: true, timeoutMs: 5_000 },
      credentials: { username: 'u', password: 'p' },
      log: silentLogger,
      backoffBaseMs: 50,
      backoffMaxMs: 5_000,
    });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    try {
      m.start();
      await until(() => connections >= 2 && m.state === 'online', 20_000, 'reconnected');
      expect(seen[0]).toContain("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
      // 40 MB were offered; at most the 1 MiB limit (plus socket buffers) was ever held.
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
      // A server that does it after every reconnect meets a growing backoff, not a loop
      // (base 50 ms: a loop would reconnect dozens of times in 1.5 s).
      endless = true;
      const start = connections;
      m.dropSocket();
      await new Promise((r) => setTimeout(r, 1_500));
      expect(connections - start).toBeLessThanOrEqual(5);
      expect(connections - start).toBeGreaterThanOrEqual(2);
    } finally {
      await m.stop();
      server.close();
    }
  });
});
