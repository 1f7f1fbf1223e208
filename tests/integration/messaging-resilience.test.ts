import fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineInfo } from '../../electron/core/messaging/manager.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { allMessages, bodies, openAccount, tempDir, until, type Account } from './messaging-support.ts';

let prosody: ProsodyHandle;
let dir: string;
const open: Account[] = [];
let n = 0;

async function pair(): Promise<[Account, Account]> {
  const names = [`r${++n}a${process.pid}`, `r${n}b${process.pid}`];
  for (const name of names) await prosody.register(name, `pw-${name}`);
  const a = await openAccount(prosody, { dir, username: names[0]! });
  const b = await openAccount(prosody, { dir, username: names[1]! });
  open.push(a, b);
  return [a, b];
}

/** After each scenario: every message exactly once on both sides, in the order it was written. */
async function expectExactlyOnce(a: Account, b: Account, written: string[]) {
  await until(() => bodies(b.store, a.jid).length >= written.length && a.store.outboxSize() === 0, 50_000, 'all delivered and acked');
  await b.engine.whenSynced();
  expect(bodies(b.store, a.jid)).toEqual(written);
  expect(bodies(a.store, b.jid)).toEqual(written);
  const ids = allMessages(b.store, a.jid).map((m) => m.clientId);
  expect(new Set(ids).size).toBe(written.length);
}

// Bursts stay small: Prosody's SQLite archive commits every message (and receipt) with fsync,
// a few dozen a second on a loaded 2-core machine; the benchmark measures the big bursts.
const burst = (label: string, count: number) => Array.from({ length: count }, (_, i) => `${label} ${i}`);

beforeAll(async () => {
  prosody = await startProsody({ mucDomain: false, httpUpload: false });
  dir = await tempDir();
});

afterAll(async () => {
  for (const a of open) await a.close().catch(() => {});
  await prosody?.stop();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

describe('no message lost, none duplicated', () => {
  it('never sends before <enabled/>: a burst queued while connecting is counted right and the session still resumes', async () => {
    const [a, b] = await pair();
    await a.manager.stop();
    const written = burst('early', 30);
    a.manager.start();
    for (const body of written) a.engine.send({ to: b.jid, body }); // all while negotiating
    expect(a.manager.state).toBe('connecting');
    await a.manager.waitOnline();
    await expectExactlyOnce(a, b, written);
    const sessions: OnlineInfo[] = [];
    a.manager.onOnline((info) => sessions.push(info));
    a.manager.dropSocket();
    await until(() => sessions.length === 1, 15_000, 'reconnect');
    // Prosody accepted our <a h/> counts: an over-acknowledged session cannot resume.
    expect(sessions[0]!.resumed).toBe(true);
  });

  it('sender socket killed mid-burst: resumes (XEP-0198) and resends only what was not acknowledged', async () => {
    const [a, b] = await pair();
    const resumed: boolean[] = [];
    a.manager.onOnline((info) => resumed.push(info.resumed));
    const written = burst('sender-drop', 120);
    written.forEach((body, i) => {
      a.engine.send({ to: b.jid, body });
      if (i === 40) a.manager.dropSocket();
    });
    await a.manager.waitOnline();
    await expectExactlyOnce(a, b, written);
    expect(resumed).toEqual([true]);
  });

  it('receiver socket killed mid-burst: the server redelivers on resume, the store folds repeats', async () => {
    const [a, b] = await pair();
    const written = burst('receiver-drop', 120);
    let dropped = false;
    b.engine.onIncoming(() => {
      if (!dropped && bodies(b.store, a.jid).length === 40) {
        dropped = true;
        b.manager.dropSocket();
      }
    });
    for (const body of written) a.engine.send({ to: b.jid, body });
    await until(() => dropped, 15_000, 'drop');
    await b.manager.waitOnline();
    await expectExactlyOnce(a, b, written);
  });

  it('Prosody restarted mid-burst: full re-login, outbox resent, archive catch-up, exactly once', async () => {
    const [a, b] = await pair();
    const written = burst('restart', 100);
    for (const body of written.slice(0, 50)) a.engine.send({ to: b.jid, body });
    const restarting = prosody.restart();
    for (const body of written.slice(50)) a.engine.send({ to: b.jid, body });
    await restarting;
    await a.manager.waitOnline(30_000);
    await b.manager.waitOnline(30_000);
    await expectExactlyOnce(a, b, written);
  });

  it('Prosody killed (SIGKILL) mid-burst and back later: the connection reports state, never crashes, and recovers', async () => {
    const [a, b] = await pair();
    const states: string[] = [];
    a.engine.onConnection((s) => states.push(s));
    const written = burst('crash', 80);
    for (const body of written.slice(0, 40)) a.engine.send({ to: b.jid, body });
    await prosody.kill();
    for (const body of written.slice(40)) a.engine.send({ to: b.jid, body });
    await until(() => states.includes('reconnecting'), 10_000, 'reconnecting state');
    await new Promise((r) => setTimeout(r, 300));
    await prosody.restart();
    await a.manager.waitOnline(30_000);
    await b.manager.waitOnline(30_000);
    await expectExactlyOnce(a, b, written);
    expect(states.at(-1)).toBe('online');
  });
});
