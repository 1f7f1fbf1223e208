/**
 * npm run check:cluster — a clinic group's ejabberd cluster losing a node without losing a message
 * (issue 13). Two ejabberd nodes clustered on loopback (Erlang distribution through a private
 * epmd), accounts, archive and rooms in a throwaway PostgreSQL. Staff pairs talk across the nodes
 * (each sender on one node, its colleague on the other); mid-burst node 2 is killed with SIGKILL
 * and restarted later. Clients reconnect (to the surviving node where the client is given both
 * addresses), catch up from the archive, and every message must be stored exactly once.
 * Prints one JSON object as the last line:
 *   nodes, messages, lost, duplicated, reconnect_p95_s, catch_up_s   (targets 2, ≥2000, 0, 0, ≤10, ≤10)
 * Options (env): CLUSTER_PAIRS (4), CLUSTER_MESSAGES (2000), CLUSTER_BOUND_S (240), CLUSTER_DOWN_S (8).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../electron/core/log/logger.ts';
import { createMessagingEngine, type MessagingEngine } from '../electron/core/messaging/engine.ts';
import { createConnectionManager, type ConnectionManager } from '../electron/core/messaging/manager.ts';
import type { ServerConfig } from '../electron/core/messaging/server-config.ts';
import { openStore, type Store } from '../electron/core/store/store.ts';
import { startEjabberdCluster, startPostgres, type EjabberdCluster, type Postgres } from '../electron/dev/ejabberd/cluster.ts';
import type { EjabberdHandle } from '../electron/dev/ejabberd/index.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback) || fallback;
const PAIRS = env('CLUSTER_PAIRS', 4);
const MESSAGES = env('CLUSTER_MESSAGES', 2000);
const BOUND_MS = env('CLUSTER_BOUND_S', 240) * 1000;
const DOWN_MS = env('CLUSTER_DOWN_S', 8) * 1000;
const say = (msg: string) => process.stderr.write(`[check:cluster] ${msg}\n`);

interface Client {
  readonly username: string;
  readonly jid: string;
  readonly home: EjabberdHandle;
  readonly store: Store;
  readonly manager: ConnectionManager;
  readonly engine: MessagingEngine;
  /** When each connection came online (ms since start). */
  readonly onlineAt: number[];
}

/**
 * What the client is told about the server: its home node first, then the other nodes, as a
 * clinic's configuration (or DNS SRV records) lists them. The connection manager tries them in order.
 */
function serverConfig(home: EjabberdHandle, all: readonly EjabberdHandle[]): ServerConfig {
  const others = all.filter((n) => n !== home);
  return {
    domain: home.domain,
    host: home.host,
    port: home.c2sPort,
    mode: 'starttls',
    ca: home.caCertPem,
    timeoutMs: 5_000,
    alternatives: others.map((n) => ({ host: n.host, port: n.c2sPort, mode: 'starttls' as const })),
  };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 10) / 100);

async function waitUntil(what: string, check: () => boolean, deadline: number): Promise<void> {
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const deadline = t0 + BOUND_MS;
  const now = () => Date.now() - t0;
  // Server data on tmpfs where there is one (see bench/messaging.ts); our stores stay on the disk.
  const serverDir = await fsp.mkdtemp(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'sealwire-cluster-'));
  const storeDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sealwire-cluster-stores-'));
  let pg: Postgres | null = null;
  let cluster: EjabberdCluster | null = null;
  const clients: Client[] = [];
  const result: Record<string, unknown> = { nodes: 0, messages: 0, lost: null, duplicated: null, reconnect_p95_s: null, catch_up_s: null };
  const cleanup = async () => {
    for (const c of clients) {
      c.engine.dispose();
      await c.manager.stop().catch(() => undefined);
      c.store.close();
    }
    await cluster?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    await fsp.rm(serverDir, { recursive: true, force: true });
    await fsp.rm(storeDir, { recursive: true, force: true });
  };
  const bound = setTimeout(() => {
    say(`bound of ${BOUND_MS / 1000} s reached; cleaning up`);
    void cleanup().finally(() => {
      console.log(JSON.stringify({ ...result, error: 'bound reached' }));
      process.exit(1);
    });
  }, BOUND_MS);
  bound.unref();

  try {
    pg = await startPostgres(serverDir);
    say(`PostgreSQL on 127.0.0.1:${pg.sql.port} (${now()} ms)`);
    cluster = await startEjabberdCluster(2, pg.sql, serverDir);
    const [node1, node2] = cluster.nodes as [EjabberdHandle, EjabberdHandle];
    result.nodes = (await cluster.members(node1)).length;
    say(`cluster of ${result.nodes} nodes: ${node1.node} :${node1.c2sPort}, ${node2.node} :${node2.c2sPort} (${now()} ms)`);

    // Pair i: sender on node (i mod 2), receiver on the other node; killing node 2 hits both roles.
    const open = async (username: string, home: EjabberdHandle): Promise<Client> => {
      const password = randomBytes(9).toString('base64url');
      await node1.register(username, password);
      const store = openStore({ file: path.join(storeDir, `${username}.db`), key: randomBytes(32), create: true });
      const manager = createConnectionManager({
        server: serverConfig(home, cluster!.nodes),
        credentials: { username, password, resource: 'desk' },
        log: silentLogger,
      });
      const engine = createMessagingEngine({ manager, store, log: silentLogger });
      const client: Client = { username, jid: `${username}@${home.domain}`, home, store, manager, engine, onlineAt: [] };
      manager.onOnline(() => client.onlineAt.push(now()));
      manager.start();
      await manager.waitOnline(30_000);
      await engine.whenSynced();
      return client;
    };
    const pairs: Array<[Client, Client]> = [];
    for (let i = 0; i < PAIRS; i += 1) {
      const [a, b] = i % 2 === 0 ? [node1, node2] : [node2, node1];
      pairs.push([await open(`sender${i}`, a), await open(`receiver${i}`, b)]);
    }
    clients.push(...pairs.flat());
    say(`${clients.length} clients online (${now()} ms)`);

    const perPair = Math.ceil(MESSAGES / PAIRS);
    const written = new Map<Client, string[]>();
    for (const [i, [sender]] of pairs.entries()) written.set(sender, Array.from({ length: perPair }, (_, k) => `pair ${i} message ${k}`));
    result.messages = perPair * PAIRS;
    const receivedBy = (receiver: Client, sender: Client) => {
      const conversation = receiver.store.findConversation('direct', sender.jid);
      if (conversation === null) return [] as string[];
      const out: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = receiver.store.messagesPage(conversation.id, { limit: 500, ...(before ? { before } : {}) });
        out.unshift(...page.messages.map((m) => m.body));
        if (page.olderCursor === null || page.messages.length === 0) break;
        before = page.olderCursor;
      }
      return out;
    };

    // The burst goes out in slices so that the kill lands in the middle of it.
    const slices = 20;
    let killedAt = -1;
    for (let s = 0; s < slices; s += 1) {
      for (const [sender, receiver] of pairs) {
        const bodies = written.get(sender)!;
        for (const body of bodies.slice((s * perPair) / slices, ((s + 1) * perPair) / slices)) sender.engine.send({ to: receiver.jid, body });
      }
      if (s === Math.floor(slices / 3)) {
        await node2.kill();
        killedAt = now();
        say(`node 2 killed (SIGKILL) at ${killedAt} ms, mid-burst`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const affected = clients.filter((c) => c.home === node2);
    const restartAt = Date.now() + DOWN_MS;
    // Reconnected: a new connection after the kill (to node 1, or to node 2 once it is back).
    const reconnected = (c: Client) => c.onlineAt.some((t) => t > killedAt);
    const downUntil = Math.min(restartAt, deadline);
    while (Date.now() < downUntil && !affected.every(reconnected)) await new Promise((r) => setTimeout(r, 50));
    const beforeRestart = affected.filter(reconnected).length;
    say(`${beforeRestart} of ${affected.length} clients of node 2 reconnected to the surviving node`);
    await new Promise((r) => setTimeout(r, Math.max(0, restartAt - Date.now())));
    await node2.restart();
    say(`node 2 restarted at ${now()} ms; cluster members: ${(await cluster.members(node1)).length}`);
    await waitUntil('every client back online', () => affected.every(reconnected) && clients.every((c) => c.manager.state === 'online'), deadline);
    const reconnectMs = affected.map((c) => c.onlineAt.find((t) => t > killedAt)! - killedAt);
    result.reconnect_p95_s = seconds(percentile(reconnectMs, 95));
    result.reconnected_to_survivor = beforeRestart;
    const lastOnline = Math.max(...affected.map((c) => c.onlineAt.find((t) => t > killedAt)!));

    // Catch-up: every receiver holds every message its sender wrote and every outbox drained, or
    // nothing new arrived for 10 s (what is still missing then is lost, not late).
    const stored = () => pairs.reduce((n, [sender, receiver]) => n + receivedBy(receiver, sender).length, 0);
    const complete = () => pairs.every(([sender, receiver]) => receivedBy(receiver, sender).length >= written.get(sender)!.length && sender.store.outboxSize() === 0);
    let count = stored();
    let lastArrival = now();
    while (!complete() && now() - lastArrival < 10_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const next = stored();
      if (next !== count) [count, lastArrival] = [next, now()];
    }
    for (const c of clients) await c.engine.whenSynced();
    result.catch_up_s = seconds(Math.max(0, lastArrival - lastOnline));
    let lost = 0;
    let duplicated = 0;
    for (const [sender, receiver] of pairs) {
      const got = receivedBy(receiver, sender);
      const want = written.get(sender)!;
      const seen = new Set(got);
      const missing = want.filter((b) => !seen.has(b));
      lost += missing.length;
      if (missing.length > 0) {
        // Where the lost ones were: the sender's view of each (state) tells which hop dropped them.
        const conversation = sender.store.findConversation('direct', receiver.jid);
        const states = new Map<string, number>();
        for (const m of conversation ? sender.store.messagesPage(conversation.id, { limit: 500 }).messages : []) {
          if (missing.includes(m.body)) states.set(m.state, (states.get(m.state) ?? 0) + 1);
        }
        say(`lost ${missing.length} from ${sender.username} (on ${sender.home === node2 ? 'node 2' : 'node 1'}) to ${receiver.username}: ${missing.slice(0, 3).join(', ')}…; sender states ${JSON.stringify(Object.fromEntries(states))}`);
      }
      duplicated += got.length - seen.size;
    }
    result.lost = lost;
    result.duplicated = duplicated;
    result.nodes = (await cluster.members(node1)).length;
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    result.error = err instanceof Error ? err.message : String(err);
  }
  clearTimeout(bound);
  await cleanup();
  result.total_s = seconds(Date.now() - t0);
  console.log(JSON.stringify(result));
  const ok = result.error === undefined && result.lost === 0 && result.duplicated === 0;
  return ok ? 0 : 1;
}

process.exit(await main());
