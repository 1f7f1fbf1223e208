import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

/**
 * Issue 8 item 6 (memory): after lock and after sign-out the core keeps no store key and no
 * password where a heap dump finds them. The real core runs in a child Node process (as main hosts
 * it, through createCore), signs in against a real Prosody with a canary password, sends a canary
 * message, locks, and writes a V8 heap snapshot; then unlocks, signs out and writes another. At
 * each point the test also reads the child's whole memory (/proc/<pid>/mem), as a memory dump
 * would. The snapshots are searched for the password and the store key in every form; the memory
 * for every form of the store key (before, the key's hex from the `PRAGMA key` text stayed there).
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const CANARY = crypto.randomBytes(6).toString('hex');
const PASSWORD = `Canary-Password-${CANARY}`;
const MESSAGE = `Canary message for patient Quillon ${CANARY}`;
/** Held by the child on purpose: proves the search would see a string that is in the heap. */
const MARKER = `Heap-Marker-${CANARY}`;

let prosody: ProsodyHandle;
let work: string;

beforeAll(async () => {
  prosody = await startProsody({ users: [{ username: 'amara', password: PASSWORD }, { username: 'ben', password: 'ben-password-12345' }], mucDomain: false, httpUpload: false });
  work = makeTempDir('heap');
});

afterAll(async () => {
  await prosody?.stop();
  await removeTempDirs();
});

/**
 * The child's program. The password reaches it through the environment and is read inside the
 * calls that need it, so the harness itself holds no reference to it.
 */
const CHILD = `
import v8 from 'node:v8';
import { createCore } from '${REPO}/electron/core/app.ts';
import { createKeytarKeychain } from '${REPO}/electron/core/keychain/keychain.ts';
import { silentLogger } from '${REPO}/electron/core/log/logger.ts';
// Lines from the test: first the secrets (through a pipe, as main receives them over IPC, never the
// environment, which stays in the process's memory), then one 'go' per checkpoint.
const lines = [];
const waiters = new Set();
let pending = '';
process.stdin.on('data', (d) => {
  pending += d.toString();
  let i;
  while ((i = pending.indexOf('\\n')) !== -1) {
    lines.push(pending.slice(0, i));
    pending = pending.slice(i + 1);
  }
  for (const w of [...waiters]) w();
});
/** The first line that matches, once it has arrived. */
const take = async (matches) => {
  for (;;) {
    const at = lines.findIndex(matches);
    if (at !== -1) return lines.splice(at, 1)[0];
    await new Promise((r) => { const w = () => { waiters.delete(w); r(); }; waiters.add(w); });
  }
};
const { dataDir, service, server, snapshots, marker } = JSON.parse(process.env.HEAP_CHILD_ARGS);
globalThis.heapMarker = marker;
const secrets = async () => {
  console.log(JSON.stringify({ need: 'secrets' }));
  return JSON.parse(await take((l) => l.startsWith('{')));
};
const core = createCore({ appVersion: '0.0.0-test', dataDir, runtime: 'bridge', log: silentLogger, keychain: createKeytarKeychain(service), server, statusIntervalMs: 600000 });
await core.ready;
const must = async (method, request) => {
  const result = await core.dispatcher.call(method, request, { transport: 'bridge' });
  if (!result.ok) throw new Error(method + ': ' + result.error.code);
  return result.value;
};
const until = async (what, probe) => {
  const end = Date.now() + 20000;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out: ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const settleAndSnapshot = async (file) => {
  await until('store closed', () => core.profiles.current() === null);
  await until('offline', async () => (await must('messaging.state', {})).state === 'offline');
  // The transport gives a closing socket 1 s to finish before destroying it (messaging/transport.ts).
  await new Promise((r) => setTimeout(r, 1200));
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc();
  }
  v8.writeHeapSnapshot(file);
};
/** Tells the test where we are and waits while it reads this process's memory. */
const checkpoint = async (name) => {
  console.log(JSON.stringify({ checkpoint: name, profileId }));
  await take((l) => l === 'go');
};
const online = () => until('online', async () => (await must('messaging.state', {})).state === 'online');
let profileId = null;
profileId = (await must('account.firstSignIn', { server: 'localhost', username: 'amara', password: (await secrets()).password, displayName: 'Amara' })).profile.id;
await online();
await must('messaging.send', { to: 'ben@localhost', body: (await secrets()).message });
await must('session.lockNow', { via: 'button' });
await settleAndSnapshot(snapshots.locked);
await checkpoint('locked');
await must('profiles.open', { profileId, password: (await secrets()).password });
await online();
await must('messaging.send', { to: 'ben@localhost', body: (await secrets()).message + ' again' });
await must('session.signOut', {});
await settleAndSnapshot(snapshots.signedOut);
await checkpoint('signed-out');
await core.close();
process.exit(0);
`;

/**
 * Runs the child; at each checkpoint `inspect` reads its memory while it waits, then it goes on.
 */
function runChild(args: Record<string, unknown>, inspect: (checkpoint: string, profileId: string, pid: number) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const { secrets, ...rest } = args;
    const env = { ...process.env, HEAP_CHILD_ARGS: JSON.stringify(rest) };
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], { env, cwd: REPO });
    let stdout = '';
    let stderr = '';
    let failure: unknown = null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      let newline: number;
      while ((newline = stdout.indexOf('\n')) !== -1) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        const said = JSON.parse(line) as { need?: 'secrets'; checkpoint: string; profileId: string };
        // Secrets go over the pipe only when asked, so no unread copy waits in the child.
        if (said.need === 'secrets') {
          child.stdin.write(`${JSON.stringify(secrets)}\n`);
          continue;
        }
        const { checkpoint, profileId } = said;
        inspect(checkpoint, profileId, child.pid as number)
          .catch((err: unknown) => {
            failure = err;
          })
          .finally(() => child.stdin.write('go\n'));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure !== null) reject(failure);
      else if (code === 0) resolve();
      else reject(new Error(`child failed (exit ${code}): ${stderr.slice(-3000)}`));
    });
  });
}

/**
 * Which needles occur anywhere in a live process's memory (every readable mapping, read through
 * /proc/<pid>/mem, as a memory dump or a debugger would see it): freed-but-not-cleared memory and
 * Buffer contents included, which a heap snapshot does not show.
 */
function searchProcessMemory(pid: number, needles: Record<string, Buffer>): string[] {
  const hits = new Set<string>();
  const longest = Math.max(...Object.values(needles).map((n) => n.length));
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  const fd = fsSync.openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of fsSync.readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n')) {
      const [range, perms, , , , name = ''] = line.split(/\s+/);
      if (!perms?.startsWith('r') || name.startsWith('[v')) continue;
      const [start, end] = (range ?? '').split('-').map((h) => parseInt(h, 16)) as [number, number];
      // Overlapping reads, so a needle across a chunk boundary is still found.
      for (let at = start; at < end; at += chunk.length - longest) {
        let got: number;
        try {
          got = fsSync.readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at);
        } catch {
          break; // a guard page or a mapping that went away
        }
        const view = chunk.subarray(0, got);
        for (const [label, needle] of Object.entries(needles)) if (view.includes(needle)) hits.add(label);
        if (got < chunk.length) break;
      }
    }
  } finally {
    fsSync.closeSync(fd);
    chunk.fill(0);
  }
  return [...hits].sort();
}

const needlesFor = (key: Buffer): Record<string, Buffer> => ({
  password: Buffer.from(PASSWORD, 'utf8'),
  'store-key-hex': Buffer.from(key.toString('hex')),
  'store-key-HEX': Buffer.from(key.toString('hex').toUpperCase()),
  'store-key-base64': Buffer.from(key.toString('base64')),
  'store-key-raw': Buffer.from(key),
});

describe('keys and passwords are not left in memory', () => {
  it('after lock and after sign-out, the core’s heap holds neither the password nor the store key, and its memory no form of the key', async () => {
    const dataDir = path.join(work, 'data');
    const service = `Sealwire-test-${crypto.randomUUID()}`;
    const snapshots = { locked: path.join(work, 'locked.heapsnapshot'), signedOut: path.join(work, 'signed-out.heapsnapshot') };
    const dev = { ...prosody, caCertPem: prosody.caCertPem };
    const keychain = createKeytarKeychain(service);
    const found: Record<string, { heap: string[]; memory: string[] }> = {};
    await runChild({ dataDir, service, server: organisationServerFrom(dev), snapshots, marker: MARKER, secrets: { password: PASSWORD, message: MESSAGE } }, async (checkpoint, profileId, pid) => {
      // The store key, unwrapped here (this process) from the profile's own key file.
      const vault = createVault({ dataDir, keychain, log: silentLogger });
      const { key } = await vault.openProfile(profileId, PASSWORD);
      const needles = needlesFor(key);
      key.fill(0);
      const memory = searchProcessMemory(pid, { ...needles, marker: Buffer.from(MARKER) });
      const heap = await fs.readFile(checkpoint === 'locked' ? snapshots.locked : snapshots.signedOut);
      found[checkpoint] = {
        heap: Object.entries({ ...needles, marker: Buffer.from(MARKER) }).filter(([, n]) => heap.includes(n)).map(([label]) => label),
        memory,
      };
      for (const needle of Object.values(needles)) needle.fill(0);
    });
    for (const account of await keychain.accounts()) await keychain.delete(account);
    for (const checkpoint of ['locked', 'signed-out']) {
      // The marker proves each search sees what is there.
      expect(found[checkpoint]?.heap, `${checkpoint}: heap snapshot`).toEqual(['marker']);
      // The whole process memory holds no form of the store key. The password still shows up in
      // freed native memory (SCRAM's working copies, the stored account's SQLite pages, the pipe
      // it came through): not reachable, but not cleared either; see the threat model's notes.
      expect(found[checkpoint]?.memory.filter((hit) => hit !== 'password'), `${checkpoint}: process memory`).toEqual(['marker']);
    }
  });
});
