import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import type { ServerConfig } from '../../electron/core/messaging/server-config.ts';
import { XmppFailure } from '../../node-shared/xmpp/xmpp-failure.ts';
import { XmppStream } from '../../electron/core/messaging/xmpp-stream.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import { SmState } from '../../electron/core/messaging/stream-management.ts';
import { checkCredentials } from '../../electron/core/messaging/credential-check.ts';

// Scripted loopback peers: each misbehaves in one way a real network or server can.
const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function peer(onConnection: (socket: net.Socket) => void): Promise<ServerConfig> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { domain: 'localhost', host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, mode: 'starttls', timeoutMs: 2_000 };
}

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>";
const creds = { username: 'u', password: 'p' };

async function failureOf(server: ServerConfig): Promise<XmppFailure> {
  const stream = new XmppStream(server, creds, new SmState(), { stanza() {}, acked() {}, closed() {} });
  try {
    await stream.open();
  } catch (err) {
    expect(err).toBeInstanceOf(XmppFailure);
    return err as XmppFailure;
  }
  throw new Error('open() should have failed');
}

describe('the connection never crashes and never falls back to plaintext', () => {
  it('a server that offers no STARTTLS (only PLAIN in the clear) is refused before any credential is sent', async () => {
    const received: string[] = [];
    const server = await peer((s) => {
      s.on('data', (d) => {
        received.push(d.toString());
        s.write(`${HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`);
      });
    });
    expect((await failureOf({ ...server, allowPlain: true })).kind).toBe('tls_required');
    expect(received.join('')).not.toContain('<auth');
    expect(await checkCredentials({ ...server, allowPlain: true }, creds)).toBe('insecure_server');
  });

  it('a server refusing STARTTLS is a failure, not a downgrade', async () => {
    const server = await peer((s) => {
      let step = 0;
      s.on('data', () => {
        if (step++ === 0) s.write(`${HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>`);
        else s.write(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
      });
    });
    expect((await failureOf(server)).kind).toBe('tls_required');
  });

  it('ECONNRESET during negotiation becomes a network failure (no unhandled error event)', async () => {
    const server = await peer((s) => s.once('data', () => s.resetAndDestroy()));
    const failure = await failureOf(server);
    expect(failure.kind).toBe('network');
  });

  it('a reset in the middle of the TLS handshake is reported, not thrown', async () => {
    const server = await peer((s) => {
      let step = 0;
      s.on('data', () => {
        if (step++ === 0) s.write(`${HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>`);
        else if (step === 2) s.write(`<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
        else s.resetAndDestroy();
      });
    });
    expect(['network', 'certificate']).toContain((await failureOf(server)).kind);
  });

  it('malformed XML and a DOCTYPE are protocol failures', async () => {
    const garbage = await peer((s) => s.once('data', () => s.write(`${HEADER}<stream:features><oops></stream:features>`)));
    expect((await failureOf(garbage)).kind).toBe('protocol');
    const doctype = await peer((s) => s.once('data', () => s.write(`<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a "b">]>${HEADER}`)));
    expect((await failureOf(doctype)).kind).toBe('protocol');
  });

  it('a silent server times out', async () => {
    const silent = await peer(() => {});
    expect((await failureOf({ ...silent, timeoutMs: 300 })).kind).toBe('timeout');
  });

  it('the manager keeps retrying a resetting server with backoff, reporting state, until stopped', async () => {
    let connections = 0;
    const server = await peer((s) => {
      connections++;
      s.once('data', () => s.resetAndDestroy());
    });
    const states: string[] = [];
    const m = createConnectionManager({ server, credentials: creds, log: silentLogger, backoffBaseMs: 20, backoffMaxMs: 80 });
    m.onState((s) => states.push(s));
    m.start();
    while (connections < 4) await new Promise((r) => setTimeout(r, 10));
    expect(m.send({ name: 'message', xmlns: 'jabber:client', attrs: {}, children: [] })).toBe(false);
    await m.stop();
    expect(states[0]).toBe('connecting');
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('offline');
    const after = connections;
    await new Promise((r) => setTimeout(r, 200));
    expect(connections).toBe(after);
  });
});
