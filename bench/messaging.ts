/**
 * npm run bench:messaging — the messaging engine's figures (issue 4) against a real Prosody on
 * loopback. Prints one JSON object as the last line.
 *
 * Where the time goes: Prosody archives every message (and every receipt) in SQLite and commits
 * each with fsync. On this shared ext4 disk that alone is ~50 ms per message under load, which
 * would make every figure a disk benchmark of Prosody. So Prosody's data lives on tmpfs
 * (/dev/shm) when the machine has it (`server_storage` in the output says which); our own
 * encrypted stores stay on the real disk, so the engine's persistence cost is fully counted.
 * `raw_*` runs the same wire path with the connection alone (no store), so
 * engine_over_raw_p50 isolates our persistence + bookkeeping; the raw figure itself is mostly
 * the server's routing and archiving.
 *
 * Options (env): BENCH_LATENCY_N (1000), BENCH_BURST_N (10000), BENCH_CLIENTS (50),
 * BENCH_CLIENT_MSGS (100), BENCH_BOUND_S (240: per phase).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type Logger } from '../electron/core/log/logger.ts';
import type { ServerConfig } from '../electron/core/messaging/server-config.ts';
import { createMessagingEngine, type MessagingEngine } from '../electron/core/messaging/engine.ts';
import { createConnectionManager, type ConnectionManager } from '../electron/core/messaging/manager.ts';
import { buildMamQuery, buildReceipt, NS_MAM, NS_RECEIPTS, NS_RSM } from '../node-shared/xmpp/stanzas.ts';
import { child, childText, el, NS_CLIENT, type XmlElement } from '../node-shared/xmpp/xml.ts';
import { openStore, type Store } from '../electron/core/store/store.ts';
import { startProsody, type ProsodyHandle } from '../electron/dev/prosody/index.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const LATENCY_N = env('BENCH_LATENCY_N', 1000);
const BURST_N = env('BENCH_BURST_N', 10_000);
const CLIENTS = env('BENCH_CLIENTS', 50);
const CLIENT_MSGS = env('BENCH_CLIENT_MSGS', 100);
const BOUND_MS = env('BENCH_BOUND_S', 240) * 1000;
const say = (msg: string) => process.stderr.write(`[bench:messaging] ${msg}\n`);
const benchLog: Logger =
  process.env.BENCH_VERBOSE === '1'
    ? {
        debug() {},
        info: (e, f) => say(`${e} ${JSON.stringify(f ?? {})}`),
        warn: (e, f) => say(`${e} ${JSON.stringify(f ?? {})}`),
        error: (e, f) => say(`${e} ${String((f?.error as Error | undefined)?.stack ?? JSON.stringify(f ?? {}))}`),
      }
    : silentLogger;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Peer {
  readonly jid: string;
  readonly manager: ConnectionManager;
  readonly engine?: MessagingEngine;
  readonly store?: Store;
}

async function main() {
  const shm = fs.existsSync('/dev/shm') && process.env.BENCH_SERVER_ON_DISK !== '1';
  const storeDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sealwire-bench-msg-'));
  const names = ['lat_a', 'lat_b', 'shm_a', 'shm_b', 'raw_a', 'raw_b', 'burst_a', 'burst_b', ...Array.from({ length: CLIENTS }, (_, i) => `c${i}`)];
  say(`starting Prosody (${shm ? 'tmpfs' : 'disk'}) with ${names.length} accounts`);
  const savedTmp = process.env.TMPDIR;
  if (shm) process.env.TMPDIR = '/dev/shm';
  let prosody: ProsodyHandle;
  try {
    prosody = await startProsody({ users: names.map((u) => ({ username: u, password: `pw-${u}` })), mucDomain: false, httpUpload: false });
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  const server: ServerConfig = { domain: prosody.domain, host: prosody.host, port: prosody.c2sPort, mode: 'starttls', ca: prosody.caCertPem, timeoutMs: 30_000 };
  const peers: Peer[] = [];

  const connect = async (username: string, withEngine: boolean, storeFile?: string): Promise<Peer> => {
    const manager = createConnectionManager({ server, credentials: { username, password: `pw-${username}`, resource: `bench-${peers.length}` }, log: benchLog });
    let peer: Peer = { jid: `${username}@${prosody.domain}`, manager };
    if (withEngine) {
      const store = openStore({ file: storeFile ?? path.join(storeDir, `${username}.db`), key: randomBytes(32), create: true });
      const engine = createMessagingEngine({ manager, store, log: benchLog, mamPageSize: 1000 });
      peer = { ...peer, engine, store };
    }
    manager.start();
    await manager.waitOnline(60_000);
    if (peer.engine) await peer.engine.whenSynced();
    else manager.send(el('presence', NS_CLIENT));
    peers.push(peer);
    return peer;
  };

  const result: Record<string, unknown> = { server_storage: shm ? 'tmpfs' : 'disk', store_storage: 'disk' };
  try {
    // 1. Raw: the connection alone, A sends, B's socket has it. One at a time (latency, not queueing).
    const rawA = await connect('raw_a', false);
    const rawB = await connect('raw_b', false);
    await sleep(200);
    {
      let arrived: (() => void) | undefined;
      rawB.manager.onStanza((s) => {
        if (s.name === 'message' && s.attrs.type === 'chat') arrived?.();
      });
      const samples: number[] = [];
      for (let i = 0; i < LATENCY_N; i++) {
        const t = performance.now();
        const got = new Promise<void>((r) => (arrived = r));
        rawA.manager.send(el('message', NS_CLIENT, { to: rawB.jid, type: 'chat', id: `raw-${i}` }, el('body', NS_CLIENT, {}, `raw message ${i}`)));
        await got;
        samples.push(performance.now() - t);
      }
      result.raw_latency_p50_ms = round(percentile(samples, 50));
      result.raw_latency_p95_ms = round(percentile(samples, 95));
      say(`raw p50 ${result.raw_latency_p50_ms} ms`);
    }

    // 1a. The same with the protocol traffic the engine adds: B answers each message with a
    // delivery receipt (XEP-0184, with the <store/> hint the engine uses, so the server routes and
    // archives it) at once, no store. Back-to-back samples then queue behind the previous
    // receipt on the server, as the engine's do: engine_over_raw_with_receipts_p50 compares like with like.
    {
      let arrived: (() => void) | undefined;
      const off = rawB.manager.onStanza((s) => {
        if (s.name !== 'message' || s.attrs.type !== 'chat' || s.attrs.id?.startsWith('rawrcpt-') !== true) return;
        arrived?.();
        rawB.manager.send(buildReceipt(rawA.jid, `rcpt-${s.attrs.id}`, s.attrs.id));
      });
      const samples: number[] = [];
      for (let i = 0; i < LATENCY_N; i++) {
        const t = performance.now();
        const got = new Promise<void>((r) => (arrived = r));
        rawA.manager.send(el('message', NS_CLIENT, { to: rawB.jid, type: 'chat', id: `rawrcpt-${i}` }, el('body', NS_CLIENT, {}, `raw message ${i}`), el('request', NS_RECEIPTS)));
        await got;
        samples.push(performance.now() - t);
      }
      off();
      result.raw_with_receipts_latency_p50_ms = round(percentile(samples, 50));
      result.raw_with_receipts_latency_p95_ms = round(percentile(samples, 95));
      say(`raw with receipts p50 ${result.raw_with_receipts_latency_p50_ms} ms`);
    }

    // 1b. The server's own burst throughput: the same 10,000 through the connection alone.
    {
      let arrived = 0;
      rawB.manager.onStanza((s) => {
        if (s.name === 'message' && s.attrs.type === 'chat' && s.attrs.id?.startsWith('rawburst-') === true) arrived++;
      });
      const t = performance.now();
      for (let i = 0; i < BURST_N; i++) {
        rawA.manager.send(el('message', NS_CLIENT, { to: rawB.jid, type: 'chat', id: `rawburst-${i}` }, el('body', NS_CLIENT, {}, `raw burst ${i}`)));
      }
      const deadline = Date.now() + BOUND_MS;
      while (arrived < BURST_N && Date.now() < deadline) await sleep(20);
      result.burst_raw_msgs_per_s = round(arrived / ((performance.now() - t) / 1000), 0);
      say(`raw burst ${result.burst_raw_msgs_per_s}/s`);
    }

    // 1c. What one fsync'd SQLCipher commit costs here (the floor under every engine figure):
    // a one-row write on the real disk and on tmpfs, with the store's own pragmas.
    // Two shapes: a one-row settings upsert, and one received message (row + indexes + FTS5 + conversation).
    for (const [where, folder] of [['disk', storeDir], ...(shm ? [['tmpfs', '/dev/shm']] : [])] as const) {
      const cost = commitCost(folder);
      result[`commit_ms_${where}_p50`] = round(cost.row);
      result[`commit_message_ms_${where}_p50`] = round(cost.message);
    }
    say(`one commit: disk ${String(result.commit_message_ms_disk_p50)} ms per message, tmpfs ${String(result.commit_message_ms_tmpfs_p50)} ms`);

    // 2. Engine: A's engine writes to its outbox and sends; B's engine has it in its encrypted store.
    const latA = await connect('lat_a', true);
    const latB = await connect('lat_b', true);
    {
      let arrived: (() => void) | undefined;
      latB.engine!.onIncoming(() => arrived?.());
      // Where one sample's time goes: A's send() (outbox row, not yet committed, and the socket
      // write), the wire + server until B's manager has parsed the stanza, B's store and emit until
      // onIncoming (B's commit and fsync follow, off this path).
      let parsedAt = 0;
      latB.manager.onStanza((s) => {
        if (s.name === 'message' && s.attrs.type === 'chat') parsedAt = performance.now();
      });
      const samples: number[] = [];
      const sendMs: number[] = [];
      const wireMs: number[] = [];
      const storeMs: number[] = [];
      for (let i = 0; i < LATENCY_N; i++) {
        const t = performance.now();
        const got = new Promise<void>((r) => (arrived = r));
        latA.engine!.send({ to: latB.jid, body: `engine message ${i}` });
        const sent = performance.now();
        await got;
        const done = performance.now();
        samples.push(done - t);
        sendMs.push(sent - t);
        wireMs.push(parsedAt - sent);
        storeMs.push(done - parsedAt);
      }
      result.latency_p50_ms = round(percentile(samples, 50));
      result.latency_p95_ms = round(percentile(samples, 95));
      result.latency_breakdown_p50_ms = {
        sender_send_call: round(percentile(sendMs, 50)),
        wire_server_and_receiver_parse: round(percentile(wireMs, 50)),
        receiver_store_and_emit: round(percentile(storeMs, 50)),
      };
      result.engine_over_raw_p50 = round((result.latency_p50_ms as number) / (result.raw_latency_p50_ms as number));
      result.engine_over_raw_with_receipts_p50 = round((result.latency_p50_ms as number) / (result.raw_with_receipts_latency_p50_ms as number));
      say(`engine p50 ${result.latency_p50_ms} ms`);
    }

    // 2b. The same with both stores on tmpfs: what our engine costs without the disk's fsync.
    if (shm) {
      const shmDir = await fsp.mkdtemp(path.join('/dev/shm', 'sealwire-bench-store-'));
      say('engine with stores on tmpfs');
      try {
        const a = await connect('shm_a', true, path.join(shmDir, 'a.db'));
        const b = await connect('shm_b', true, path.join(shmDir, 'b.db'));
        let arrived: (() => void) | undefined;
        b.engine!.onIncoming(() => arrived?.());
        const samples: number[] = [];
        for (let i = 0; i < LATENCY_N; i++) {
          const t = performance.now();
          const got = new Promise<void>((r) => (arrived = r));
          a.engine!.send({ to: b.jid, body: `tmpfs engine message ${i}` });
          await Promise.race([got, sleep(10_000).then(() => Promise.reject(new Error(`tmpfs sample ${i} never arrived`)))]);
          samples.push(performance.now() - t);
        }
        result.latency_p50_ms_store_on_tmpfs = round(percentile(samples, 50));
        result.engine_over_raw_p50_store_on_tmpfs = round((result.latency_p50_ms_store_on_tmpfs as number) / (result.raw_latency_p50_ms as number));
        for (const p of [a, b]) {
          await p.manager.stop();
          p.engine?.dispose();
          p.store?.close();
          peers.splice(peers.indexOf(p), 1);
        }
      } finally {
        await fsp.rm(shmDir, { recursive: true, force: true });
      }
    }

    // 3. Burst: 10,000 at once through the outbox; count what B stored.
    const burstA = await connect('burst_a', true);
    const burstB = await connect('burst_b', true);
    {
      let incoming = 0;
      burstB.engine!.onIncoming(() => incoming++);
      const t = performance.now();
      for (let i = 0; i < BURST_N; i++) burstA.engine!.send({ to: burstB.jid, body: `burst ${i}` });
      const deadline = Date.now() + BOUND_MS;
      while (incoming < BURST_N && Date.now() < deadline) await sleep(20);
      const seconds = (performance.now() - t) / 1000;
      const conversation = burstB.store!.findConversation('direct', burstA.jid);
      const seen = new Map<string, number>();
      let older: string | undefined;
      let rows = 0;
      for (;;) {
        const page = burstB.store!.messagesPage(conversation!.id, { limit: 200, ...(older ? { before: older } : {}) });
        for (const m of page.messages) seen.set(m.body, (seen.get(m.body) ?? 0) + 1);
        rows += page.messages.length;
        if (page.olderCursor === null || page.messages.length === 0) break;
        older = page.olderCursor;
      }
      result.burst_msgs_per_s = round(incoming / seconds, 0);
      result.burst_lost = BURST_N - seen.size;
      result.burst_duplicated = rows - seen.size;
      result.burst_completed = incoming >= BURST_N;
      say(`burst ${result.burst_msgs_per_s}/s lost ${result.burst_lost} dup ${result.burst_duplicated}`);
    }

    // 4a. The server's own share: page the same archive with the connection alone (no store).
    {
      const raw = await connect('burst_b', false);
      let items = 0;
      raw.manager.onStanza((s) => {
        if (s.name === 'message' && child(s, 'result', NS_MAM) !== undefined) items++;
      });
      const t = performance.now();
      let after: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const id = `raw-mam-${page}`;
        const done = new Promise<XmlElement>((resolve) => {
          const off = raw.manager.onStanza((s) => {
            if (s.name === 'iq' && s.attrs.id === id) {
              off();
              resolve(s);
            }
          });
        });
        raw.manager.send(buildMamQuery(id, `q${page}`, after, 1000));
        const fin = child(await done, 'fin', NS_MAM);
        const last = fin === undefined ? undefined : childText(child(fin, 'set', NS_RSM) ?? fin, 'last', NS_RSM);
        if (fin === undefined || fin.attrs.complete === 'true' || !last) break;
        after = last;
      }
      result.sync_raw_s = round((performance.now() - t) / 1000);
      result.sync_archive_items = items;
      await raw.manager.stop();
      peers.splice(peers.indexOf(raw), 1);
      say(`raw archive paging ${items} items in ${result.sync_raw_s} s`);
    }

    // 4. Sync: a new device for B pages the whole archive (messages plus the receipts B sent) in.
    {
      const fresh = path.join(storeDir, 'burst_b-new-device.db');
      const t = performance.now();
      const device = await connect('burst_b', true, fresh);
      const seconds = (performance.now() - t) / 1000;
      const conversation = device.store!.findConversation('direct', burstA.jid);
      const stored = conversation === null ? 0 : countMessages(device.store!, conversation.id);
      result.sync_10k_s = round(seconds);
      result.sync_messages = stored;
      say(`sync ${stored} in ${result.sync_10k_s} s`);
    }

    // 5. Many clients: each sends to the next one; all persisted at the recipients.
    {
      const clients: Peer[] = [];
      for (let i = 0; i < CLIENTS; i += 10) {
        clients.push(...(await Promise.all(Array.from({ length: Math.min(10, CLIENTS - i) }, (_, k) => connect(`c${i + k}`, true)))));
      }
      let incoming = 0;
      for (const c of clients) c.engine!.onIncoming(() => incoming++);
      const total = CLIENTS * CLIENT_MSGS;
      const t = performance.now();
      for (let m = 0; m < CLIENT_MSGS; m++) {
        clients.forEach((c, i) => c.engine!.send({ to: clients[(i + 1) % clients.length]!.jid, body: `client ${i} message ${m}` }));
      }
      const deadline = Date.now() + BOUND_MS;
      while (incoming < total && Date.now() < deadline) await sleep(20);
      const seconds = (performance.now() - t) / 1000;
      result.clients_50_msgs_per_s = round(incoming / seconds, 0);
      result.clients_lost = total - incoming;
      result.clients = CLIENTS;
      say(`${CLIENTS} clients ${result.clients_50_msgs_per_s}/s`);
    }
  } finally {
    for (const p of peers) {
      await p.manager.stop();
      p.engine?.dispose();
      p.store?.close();
    }
    await prosody.stop();
    await fsp.rm(storeDir, { recursive: true, force: true });
  }
  const share = (server: unknown, total: unknown) =>
    typeof server === 'number' && typeof total === 'number' && total > 0 ? round(server / total) : null;
  // Fraction of each figure that is the server's (and the wire's) own cost, measured without our engine.
  result.server_share = {
    latency_p50: share(result.raw_latency_p50_ms, result.latency_p50_ms),
    sync_10k_s: share(result.sync_raw_s, result.sync_10k_s),
    burst_msgs_per_s: share(result.burst_msgs_per_s, result.burst_raw_msgs_per_s),
  };
  result.note =
    `Prosody data on ${shm ? 'tmpfs (its per-message SQLite fsync otherwise dominates: ~50 ms/message on this loaded disk)' : 'disk'}; ` +
    'our encrypted stores on disk (synchronous=FULL); sender and receiver share one Node process. Server own cost, measured without ' +
    'our engine: raw_latency_* (TLS + routing + archiving), raw_with_receipts_* (the same plus a stored receipt per message, the traffic the engine adds), burst_raw_msgs_per_s, sync_raw_s (the server paging the same archive, ' +
    'messages + the receipts B sent); server_share = that cost as a fraction of each engine figure. The engine keeps its ' +
    'fsynced commits off the latency path: A writes the stanza before its outbox row commits, B emits before its row commits, ' +
    'and the group commit (by read and by 5 ms window) fsyncs the WAL on the thread pool; receipts, SM acks and "sent" follow ' +
    'the fsync. commit_*_p50 is what one fsynced commit costs here, latency_breakdown_p50_ms splits a sample.';
  console.log(JSON.stringify(result));
}

/** p50 of 200 commits of each shape on a fresh encrypted store in `dir`, each in its own transaction. */
function commitCost(dir: string): { row: number; message: number } {
  const folder = fs.mkdtempSync(path.join(dir, 'sealwire-bench-commit-'));
  const store = openStore({ file: path.join(folder, 'c.db'), key: randomBytes(32), create: true });
  try {
    const row: number[] = [];
    const message: number[] = [];
    const conversation = store.ensureConversation({ kind: 'direct', jid: 'peer@bench.test' });
    for (let i = 0; i < 200; i++) {
      let t = performance.now();
      store.setSetting('bench', String(i));
      row.push(performance.now() - t);
      t = performance.now();
      store.insertMessage({
        clientId: `bench-${i}`,
        serverId: `srv-${i}`,
        conversationId: conversation.id,
        senderJid: 'peer@bench.test',
        body: `engine message ${i}`,
        sentAt: i + 1,
        direction: 'in',
      });
      message.push(performance.now() - t);
    }
    return { row: percentile(row, 50), message: percentile(message, 50) };
  } finally {
    store.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

function countMessages(store: Store, conversationId: number): number {
  let n = 0;
  let older: string | undefined;
  for (;;) {
    const page = store.messagesPage(conversationId, { limit: 200, ...(older ? { before: older } : {}) });
    n += page.messages.length;
    if (page.olderCursor === null || page.messages.length === 0) return n;
    older = page.olderCursor;
  }
}

await main();
