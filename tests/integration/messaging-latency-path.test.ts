import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';
import type { ConnectionManager } from '../../electron/core/messaging/manager.ts';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import type { StationChildConfig } from '../support/messaging-station-child.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';
import { bodies, openAccount, serverFor, startProsodyOnTmpfs, until, type Account } from './messaging-support.ts';

/**
 * Issue 9's latency path: durability off the path a person waits on, every guarantee kept.
 * The sender writes to the socket before its outbox row commits; the receiver shows a message
 * before its row commits; receipts (and SM acks) follow the commit. What is committed is read
 * through a second connection to the encrypted file, which sees only committed data.
 */
const CHILD = path.resolve(import.meta.dirname, '../support/messaging-station-child.ts');
let prosody: ProsodyHandle;
let dir: string;
let n = 0;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  prosody = await startProsodyOnTmpfs({ mucDomain: false, httpUpload: false });
  dir = makeTempDir('latency-path');
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  await prosody?.stop();
  await removeTempDirs();
});

async function users(count: number): Promise<string[]> {
  const names = Array.from({ length: count }, () => `lp${++n}x${process.pid}`);
  for (const name of names) await prosody.register(name, `pw-${name}`);
  return names;
}

async function account(username: string, wrap?: (m: ConnectionManager) => ConnectionManager): Promise<Account & { key: Buffer; storeFile: string }> {
  const a = await openAccount(prosody, { dir, username, ...(wrap ? { wrapManager: wrap } : {}) });
  cleanups.push(() => a.close());
  return a;
}

/** A second, read-only connection to a store file: it sees only what has been committed. */
function committed(file: string, key: Buffer) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  keyDatabase(db, key);
  cleanups.push(() => void db.close());
  const state = db.prepare<[string], string>('SELECT state FROM messages WHERE client_id = ?').pluck();
  const byBody = db.prepare<[string], number>('SELECT count(*) FROM messages WHERE body = ?').pluck();
  const inOutbox = db.prepare<[string], number>('SELECT count(*) FROM outbox WHERE client_id = ?').pluck();
  return {
    state: (clientId: string) => state.get(clientId) ?? null,
    has: (body: string) => (byBody.get(body) ?? 0) > 0,
    inOutbox: (clientId: string) => (inOutbox.get(clientId) ?? 0) > 0,
  };
}

describe('latency path (real Prosody, real encrypted stores)', () => {
  it('the sender puts a message on the wire before its outbox row commits, and reports "sent" only once committed and acknowledged', async () => {
    const [u1, u2] = await users(2);
    const wire: string[] = [];
    const a = await account(u1!, (m) => spyOnSends(m, wire));
    const b = await account(u2!);
    const onDisk = committed(a.storeFile, a.key);
    const states: Array<{ state: string; onDisk: string | null; inOutbox: boolean }> = [];
    a.engine.onMessageState((c) => states.push({ state: c.state, onDisk: onDisk.state(c.clientId), inOutbox: onDisk.inOutbox(c.clientId) }));

    const sent = a.engine.send({ to: b.jid, body: 'on the wire first' });
    // send() returned: the stanza is written, its row is not yet committed.
    expect(wire).toContain(sent.clientId);
    expect(onDisk.state(sent.clientId)).toBeNull();
    await until(() => states.some((s) => s.state === 'delivered'), 15_000, 'delivered');

    const firstSent = states.find((s) => s.state === 'sent');
    // "sent" was told once the row was committed, past queued, and out of the outbox.
    expect(firstSent?.onDisk).toMatch(/^(sent|delivered)$/);
    expect(firstSent?.inOutbox).toBe(false);
    expect(bodies(b.store, a.jid)).toEqual(['on the wire first']);
  });

  it('the receiver shows a message before its commit, and the receipt goes out only after it', async () => {
    const [u1, u2] = await users(2);
    const a = await account(u1!);
    const b = await account(u2!);
    const onDisk = committed(b.storeFile, b.key);
    const shown: Array<{ body: string; committed: boolean }> = [];
    b.engine.onIncoming((m) => shown.push({ body: m.body, committed: onDisk.has(m.body) }));
    const atReceipt: boolean[] = [];
    a.engine.onMessageState((c) => {
      if (c.state === 'delivered') atReceipt.push(onDisk.has('shown first'));
    });

    a.engine.send({ to: b.jid, body: 'shown first' });
    await until(() => atReceipt.length > 0, 15_000, 'delivered');
    expect(shown).toEqual([{ body: 'shown first', committed: false }]);
    expect(atReceipt).toEqual([true]);
  });
});

describe('kill -9 mid-burst (real Prosody, workstations in their own processes)', () => {
  it('sender killed while committing a group already on the wire: after restart both sides hold every message exactly once', async () => {
    const [u1, u2] = await users(2);
    const b = await account(u2!);
    const senderFile = path.join(dir, `${u1!}-sender.db`);
    const keyHex = randomBytes(32).toString('hex');
    const base = stationConfig(u1!, senderFile, keyHex, b.jid);
    const first = await runStation({ ...base, mode: 'send-die-in-commit', prefix: 'k', count: 100, chunk: 10, dieAt: 95 });
    expect(first.signal).toBe('SIGKILL');
    const dying = first.lines.find((l) => l.startsWith('committing '));
    expect(dying).toBeDefined();
    const firstUncommitted = Number(dying!.split(' ')[1]);

    const settled = await settle({ ...base, mode: 'settle' });
    expect(settled.outbox).toBe(0);
    // Everything committed before the crash, and what of the group that never committed had left
    // for the server (at least its first message): it came back from our archive under its own
    // ids. No gaps, nothing twice, and the receiver holds exactly the same.
    const expected = Array.from({ length: settled.out.length }, (_, i) => `k ${i}`);
    expect(firstUncommitted).toBeLessThanOrEqual(95);
    expect(settled.out.length).toBeGreaterThan(firstUncommitted);
    expect([...settled.out].sort()).toEqual([...expected].sort());
    await until(() => bodies(b.store, `${u1!}@${prosody.domain}`).length >= expected.length, 15_000, 'all at the receiver');
    expect(bodies(b.store, `${u1!}@${prosody.domain}`)).toEqual(expected);
  });

  it('sender killed mid-burst, then receiver killed mid-burst: every message arrives exactly once, none lost', async () => {
    const [u1, u2] = await users(2);
    const keyA = randomBytes(32).toString('hex');
    const keyB = randomBytes(32).toString('hex');
    const fileA = path.join(dir, `${u1!}-a.db`);
    const fileB = path.join(dir, `${u2!}-b.db`);
    const jidA = `${u1!}@${prosody.domain}`;
    const jidB = `${u2!}@${prosody.domain}`;
    const a = stationConfig(u1!, fileA, keyA, jidB);
    const bConfig = stationConfig(u2!, fileB, keyB, jidA);

    // The receiver runs in its own process too, and is killed once it has shown a third of the burst.
    const receiver = startStation({ ...bConfig, mode: 'receive' });
    await receiver.until((lines) => lines.includes('online'));
    const sender = startStation({ ...a, mode: 'send', prefix: 's', count: 600, chunk: 20 });
    await receiver.until((lines) => lines.filter((l) => l.startsWith('shown ')).length >= 100);
    receiver.kill();
    await sender.until((lines) => lines.includes('sent 300'));
    sender.kill();
    await Promise.all([sender.exited, receiver.exited]);

    const settledA = await settle({ ...a, mode: 'settle' });
    const settledB = await settle({ ...bConfig, mode: 'settle' });
    expect(settledA.outbox).toBe(0);
    // Whatever the sender holds after its restart reached the receiver, once; nothing else did.
    // No gaps: groups commit in order, and of a group that never committed only a first part can
    // have reached the server (the rest never left the process).
    const expected = Array.from({ length: settledA.out.length }, (_, i) => `s ${i}`);
    expect([...settledA.out].sort()).toEqual([...expected].sort());
    expect([...settledB.in].sort()).toEqual([...expected].sort());
    expect(settledA.out.length).toBeGreaterThan(100);
  });
});

function spyOnSends(manager: ConnectionManager, wire: string[]): ConnectionManager {
  return new Proxy(manager, {
    get(target, prop, receiver) {
      if (prop === 'send') {
        return (stanza: Parameters<ConnectionManager['send']>[0]) => {
          const ok = target.send(stanza);
          if (ok && stanza.name === 'message' && stanza.attrs.id !== undefined) wire.push(stanza.attrs.id);
          return ok;
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

function stationConfig(username: string, storeFile: string, keyHex: string, peer: string): Omit<StationChildConfig, 'mode'> {
  const { ca: _ca, ...server } = serverFor(prosody, { timeoutMs: 10_000 });
  return { server: { ...server, caFile: prosody.caCertPath }, username, storeFile, keyHex, peer };
}

interface Station {
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>;
  until(check: (lines: string[]) => boolean, timeoutMs?: number): Promise<void>;
  kill(): void;
}

function startStation(config: StationChildConfig): Station {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[] }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, lines })),
  );
  cleanups.push(() => void child.kill('SIGKILL'));
  return {
    lines,
    exited,
    async until(check, timeoutMs = 30_000) {
      await until(() => check(lines) || child.exitCode !== null || child.signalCode !== null, timeoutMs, 'station');
      if (!check(lines)) throw new Error(`station ended early: ${stderr.slice(0, 800)}`);
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

async function runStation(config: StationChildConfig) {
  return await startStation(config).exited;
}

async function settle(config: StationChildConfig): Promise<{ out: string[]; in: string[]; outbox: number }> {
  const done = await runStation(config);
  const line = done.lines.find((l) => l.startsWith('settled '));
  if (line === undefined) throw new Error(`station did not settle (${String(done.code ?? done.signal)})`);
  return JSON.parse(line.slice('settled '.length)) as { out: string[]; in: string[]; outbox: number };
}
