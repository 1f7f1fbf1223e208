import { randomBytes, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createMessagingEngine, type MessagingEngine } from '../../electron/core/messaging/engine.ts';
import { buildChat } from '../../node-shared/xmpp/stanzas.ts';
import { createConnectionManager, type ConnectionManager } from '../../electron/core/messaging/manager.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { bodies, openAccount, serverFor, startProsodyOnTmpfs, tempDir, until, type Account } from './messaging-support.ts';

let prosody: ProsodyHandle;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];
let n = 0;

async function users(count: number): Promise<string[]> {
  const names = Array.from({ length: count }, () => `g${++n}x${process.pid}`);
  for (const name of names) await prosody.register(name, `pw-${name}`);
  return names;
}

/**
 * The engine over a real store seen through a proxy that numbers each outermost batch, notes
 * which batch every insert and cursor write happened in, and can make one batch fail at commit.
 */
interface Observed {
  readonly store: Store;
  readonly inserts: Array<{ batch: number | null; direction: string }>;
  readonly cursorWrites: Array<number | null>;
  failNextCommitWithInsert: boolean;
  failures: number;
}

function observe(real: Store): Observed {
  let serial = 0;
  let current: number | null = null;
  let insertedInBatch = false;
  const seen: Observed = {
    inserts: [],
    cursorWrites: [],
    failNextCommitWithInsert: false,
    failures: 0,
    store: new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'batch') {
          return <T>(fn: () => T): T => {
            if (current !== null) return fn();
            current = ++serial;
            insertedInBatch = false;
            try {
              return real.batch(() => {
                const out = fn();
                if (seen.failNextCommitWithInsert && insertedInBatch) {
                  seen.failNextCommitWithInsert = false;
                  seen.failures++;
                  throw new Error('simulated commit failure (disk full)');
                }
                return out;
              });
            } finally {
              current = null;
            }
          };
        }
        if (prop === 'insertMessage') {
          return (m: Parameters<Store['insertMessage']>[0]) => {
            seen.inserts.push({ batch: current, direction: m.direction });
            insertedInBatch = true;
            return real.insertMessage(m);
          };
        }
        if (prop === 'setSyncState') {
          return (archive: string, id: string) => {
            seen.cursorWrites.push(current);
            real.setSyncState(archive, id);
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    }),
  };
  return seen;
}

async function observedAccount(username: string, engineOptions: { mamPageSize?: number } = {}) {
  const real = openStore({ file: path.join(dir, `${username}-${randomUUID()}.db`), key: randomBytes(32), create: true });
  const seen = observe(real);
  const manager: ConnectionManager = createConnectionManager({
    server: serverFor(prosody),
    credentials: { username, password: `pw-${username}`, resource: randomUUID().slice(0, 8) },
    log: silentLogger,
    backoffBaseMs: 50,
    backoffMaxMs: 500,
  });
  const engine: MessagingEngine = createMessagingEngine({ manager, store: seen.store, log: silentLogger, ...engineOptions });
  cleanups.push(async () => {
    engine.dispose();
    await manager.stop();
    real.close();
  });
  manager.start();
  await manager.waitOnline();
  await engine.whenSynced();
  return { jid: `${username}@${prosody.domain}`, seen, manager, engine, real };
}

async function account(username: string): Promise<Account> {
  const a = await openAccount(prosody, { dir, username });
  cleanups.push(() => a.close());
  return a;
}

beforeAll(async () => {
  prosody = await startProsodyOnTmpfs({ mucDomain: false, httpUpload: false });
  dir = await tempDir();
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  await prosody?.stop();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('stores each archive page in one transaction together with its cursor', async () => {
    const [u1, u2] = await users(2);
    const a = await account(u1!);
    const written = Array.from({ length: 250 }, (_, i) => `archived ${i}`);
    for (const body of written) a.engine.send({ to: `${u2!}@${prosody.domain}`, body });
    await until(() => a.store.outboxSize() === 0, 20_000, 'all acknowledged');

    // A second device of the same account pages A's archive in, 100 at a time.
    const device = await observedAccount(u1!, { mamPageSize: 100 });
    expect(bodies(device.real, `${u2!}@${prosody.domain}`)).toEqual(written);
    const batches = device.seen.inserts.map((i) => i.batch);
    expect(batches).toHaveLength(250);
    expect(batches.every((b) => b !== null)).toBe(true);
    // Three pages (100 + 100 + 50): three commits, each also carrying that page's cursor.
    const pageBatches = [...new Set(batches)];
    expect(pageBatches).toHaveLength(3);
    for (const b of pageBatches) expect(device.seen.cursorWrites).toContain(b);
  });

  it('a read whose commit fails is not acknowledged: no receipt goes out, the server redelivers, stored once', async () => {
    const [u1, u2] = await users(2);
    const a = await account(u1!);
    const b = await observedAccount(u2!);
    const events: string[] = [];
    const resumed: boolean[] = [];
    b.manager.onOnline((info) => resumed.push(info.resumed));
    b.engine.onIncoming((m) => events.push(`stored:${m.body}`));
    a.engine.onMessageState((c) => {
      if (c.state === 'delivered') events.push(`delivered:${c.clientId}`);
    });

    b.seen.failNextCommitWithInsert = true;
    const sent = a.engine.send({ to: b.jid, body: 'after a failed commit' });
    await until(() => a.store.getMessageByClientId(sent.clientId)?.state === 'delivered', 20_000, 'delivered');

    expect(b.seen.failures).toBe(1);
    expect(resumed).toEqual([true]); // the stream was dropped and resumed, not restarted
    expect(bodies(b.real, a.jid)).toEqual(['after a failed commit']);
    // The receipt can only have followed the successful commit.
    expect(events).toEqual(['stored:after a failed commit', `delivered:${sent.clientId}`]);
  });

  it('stores a burst of live messages in fewer commits than messages, exactly once and in order', async () => {
    const [u1, u2] = await users(2);
    const a = await account(u1!);
    const b = await observedAccount(u2!);
    const written = Array.from({ length: 300 }, (_, i) => `live ${i}`);
    for (const body of written) a.engine.send({ to: b.jid, body });
    await until(() => bodies(b.real, a.jid).length === written.length, 20_000, 'burst stored');
    expect(bodies(b.real, a.jid)).toEqual(written);
    const live = b.seen.inserts.filter((i) => i.direction === 'in');
    expect(live.every((i) => i.batch !== null)).toBe(true);
    expect(new Set(live.map((i) => i.batch)).size).toBeLessThan(written.length);
  });

  it('groups reads by time too: messages arriving one per network read share commits', async () => {
    const [u1, u2] = await users(2);
    // The sender is a bare connection (no store of its own on this thread to slow it down), writing
    // one message a millisecond, so the receiver mostly reads one stanza at a time (as with ejabberd).
    const sender = createConnectionManager({ server: serverFor(prosody), credentials: { username: u1!, password: `pw-${u1!}` }, log: silentLogger });
    cleanups.push(() => sender.stop());
    sender.start();
    await sender.waitOnline();
    const b = await observedAccount(u2!);
    const written = Array.from({ length: 300 }, (_, i) => `spaced ${i}`);
    for (const [i, body] of written.entries()) {
      sender.send(buildChat({ to: b.jid, id: `spaced-${i}`, body, sentAt: Date.now(), priority: 'normal', patientTag: null }));
      await new Promise((r) => setTimeout(r, 1));
    }
    const from = `${u1!}@${prosody.domain}`;
    await until(() => bodies(b.real, from).length === written.length, 20_000, 'all stored');
    expect(bodies(b.real, from)).toEqual(written);
    const batches = new Set(b.seen.inserts.filter((i) => i.direction === 'in').map((i) => i.batch));
    expect(batches.size).toBeLessThan(written.length / 4);
  });
});
