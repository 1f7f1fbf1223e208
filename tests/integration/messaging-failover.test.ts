import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { checkCredentials } from '../../electron/core/messaging/credential-check.ts';
import { createConnectionManager } from '../../electron/core/messaging/manager.ts';
import type { OnlineInfo } from '../../electron/core/messaging/manager.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { bodies, openAccount, serverFor, until, type Account } from './messaging-support.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// Issue 13, client side: several server addresses (cluster nodes). A dead first address, and a
// node that dies under a connected client, stood in for by a TCP relay in front of the real Prosody.

let prosody: ProsodyHandle;
const accounts: Account[] = [];
const cores: TestCore[] = [];
const DEE_PASSWORD = 'dee-long-password-42';
beforeAll(async () => {
  prosody = await startProsody({ mucDomain: false, httpUpload: false });
  for (const u of ['ana', 'ben', 'cy']) await prosody.register(u, `pw-${u}`);
  await prosody.register('dee', DEE_PASSWORD);
});
afterAll(async () => {
  for (const a of accounts) await a.close().catch(() => undefined);
  for (const c of cores) await c.forget().catch(() => undefined);
  await prosody?.stop();
  await removeTempDirs();
});

async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP relay to Prosody's STARTTLS port: a "node" that can be killed with its connections. */
async function relay(): Promise<{ port: number; connections: () => number; kill(): void }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(prosody.c2sPort, prosody.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    kill() {
      server.close();
      for (const s of sockets) s.resetAndDestroy();
    },
  };
}

describe('several server addresses', () => {
  it('the first address is dead: sign-in and messaging go through the next one at once, without a backoff wait', async () => {
    const dead = await deadPort();
    const server = serverFor(prosody, { port: dead, alternatives: [{ host: prosody.host, port: prosody.c2sPort, mode: 'starttls' }] });
    expect(await checkCredentials(server, { username: 'ana', password: 'pw-ana' })).toBe('ok');
    const m = createConnectionManager({ server, credentials: { username: 'ana', password: 'pw-ana' }, log: silentLogger, backoffBaseMs: 5_000 });
    const states: string[] = [];
    m.onState((s) => states.push(s));
    const t = Date.now();
    m.start();
    await m.waitOnline(4_000);
    expect(Date.now() - t).toBeLessThan(2_500);
    expect(states).toEqual(['connecting', 'online']);
    await m.stop();
  });

  it('a node dies under a connected client: it reconnects to the surviving address, resumes the stream and loses nothing', async () => {
    const dir = makeTempDir('failover');
    const node = await relay();
    const sender = await openAccount(prosody, { dir, username: 'cy' });
    const client = await openAccount(prosody, {
      dir,
      username: 'ben',
      server: { port: node.port, alternatives: [{ host: prosody.host, port: prosody.c2sPort, mode: 'starttls' }] },
    });
    accounts.push(sender, client);
    expect(node.connections()).toBe(1);
    const online: OnlineInfo[] = [];
    client.manager.onOnline((info) => online.push(info));
    sender.engine.send({ to: client.jid, body: 'before' });
    await until(() => bodies(client.store, sender.jid).length === 1, 10_000, 'first message');
    node.kill();
    sender.engine.send({ to: client.jid, body: 'while the node was down' });
    await until(() => online.length === 1, 10_000, 'reconnected');
    expect(online[0]!.resumed).toBe(true);
    sender.engine.send({ to: client.jid, body: 'after' });
    await until(() => bodies(client.store, sender.jid).length === 3, 10_000, 'all messages');
    expect(bodies(client.store, sender.jid)).toEqual(['before', 'while the node was down', 'after']);
    expect(node.connections()).toBe(1);
  });

  it('the addresses managed configuration gives now win over those recorded at first sign-in', async () => {
    const node = await relay();
    const direct = organisationServerFrom(prosody);
    const first = await startTestCore({ server: { ...direct, port: node.port } });
    cores.push(first);
    const signedIn = await first.call('account.firstSignIn', { server: prosody.domain, username: 'dee', password: DEE_PASSWORD, displayName: 'Dee' });
    if (!signedIn.ok) throw new Error(signedIn.error.code);
    await first.close();
    // IT retires the node the workstation first used and lists the surviving one.
    node.kill();
    const again = await startTestCore({ dataDir: first.dataDir, keychain: first.keychain, server: direct });
    cores.push(again);
    const online = new Promise<void>((resolve) =>
      again.core.events.subscribe((name, payload) => {
        if (name === 'messaging.connection' && (payload as { state: string }).state === 'online') resolve();
      }),
    );
    const opened = await again.call('profiles.open', { profileId: signedIn.value.profile.id, password: DEE_PASSWORD });
    expect(opened.ok).toBe(true);
    await online;
  });
  it('HTTP upload and download dial the alternatives too when the primary node is down', async () => {
    // A Prosody with HTTP upload; the primary address is a loopback IP nothing listens on (the
    // fixture binds 127.0.0.1 only), the alternative is the live node: XMPP, the upload PUT and
    // the download GET all reach the surviving node.
    const withUpload = await startProsody({ mucDomain: false });
    try {
      for (const u of ['eve', 'fay']) await withUpload.register(u, `pw-${u}`);
      const dir = makeTempDir('failover-upload');
      const server = { host: '127.0.0.3', alternatives: [{ host: withUpload.host, port: withUpload.c2sPort, mode: 'starttls' as const }] };
      const eve = await openAccount(withUpload, { dir, username: 'eve', server });
      const fay = await openAccount(withUpload, { dir, username: 'fay', server });
      accounts.push(eve, fay);
      const data = Buffer.from('lab result through the surviving node');
      const sent = await eve.engine.sendAttachment({ to: fay.jid, fileName: 'result.txt', mime: 'text/plain', data });
      await until(() => (fay.store.getMessageByClientId(sent.clientId)?.attachmentCount ?? 0) === 1, 15_000, 'downloaded through the alternative');
      const [file] = fay.store.attachments.list(fay.store.getMessageByClientId(sent.clientId)!.id);
      expect((await fay.store.attachments.read(file!.id)).equals(data)).toBe(true);
    } finally {
      await withUpload.stop();
    }
  });
});
