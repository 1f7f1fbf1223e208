import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { openStore } from '../../electron/core/store/store.ts';
import { createProfileHolder } from '../../electron/core/vault/open-profile.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

/**
 * Another "computer": a child node process, optionally under its own D-Bus session with a fresh,
 * empty gnome-keyring, or with no reachable keychain at all.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const FAST = { log2N: 10, r: 8, p: 1 };

/** The child's program: runs one vault action and prints one JSON line. */
const CHILD = `
import { createKeytarKeychain } from '${REPO}/electron/core/keychain/keychain.ts';
import { silentLogger } from '${REPO}/electron/core/log/logger.ts';
import { createVault } from '${REPO}/electron/core/vault/vault.ts';
const a = JSON.parse(process.env.VAULT_CHILD_ARGS);
const keychain = createKeytarKeychain(a.service, 3000);
const vault = createVault({ dataDir: a.dataDir, keychain, log: silentLogger, kdf: a.kdf, allowDegradedWithoutKeychain: a.degraded });
const out = { protection: await vault.protection() };
const attempt = async (name, work) => {
  try { out[name] = { ok: true, value: await work() }; }
  catch (err) { out[name] = { ok: false, code: err.code ?? 'untyped', message: String(err.message) }; }
};
if (a.makeOwnProfile) await attempt('own', async () => (await vault.createProfile('Local staff', 'local-password-1')).profile.id);
if (a.open) await attempt('open', async () => { const u = await vault.openProfile(a.open, a.password); u.key.fill(0); return u.profileId; });
if (a.pin) await attempt('pin', async () => { const u = await vault.unlockWithPin(a.open, a.pin); u.key.fill(0); return u.profileId; });
if (a.create) await attempt('create', async () => (await vault.createProfile(a.create, a.password)).profile);
await attempt('list', async () => vault.listProfiles());
if (a.cleanup) for (const account of await keychain.accounts().catch(() => [])) await keychain.delete(account);
console.log(JSON.stringify(out));
`;

interface ChildResult {
  readonly protection: string;
  readonly [step: string]: unknown;
}

function runChild(args: Record<string, unknown>, mode: 'fresh-keyring' | 'no-keychain'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, VAULT_CHILD_ARGS: JSON.stringify(args), VAULT_CHILD_CODE: CHILD };
    let child;
    if (mode === 'no-keychain') {
      env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(os.tmpdir(), `no-bus-${crypto.randomUUID()}`)}`;
      child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env, cwd: REPO });
    } else {
      // Same steps as tests/support/in-keyring-session.sh, in a brand-new session and HOME.
      const script =
        'export HOME="$VAULT_CHILD_HOME"; mkdir -p "$HOME/.local/share/keyrings"; ' +
        'printf other-machine | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ' +
        `exec "${process.execPath}" --input-type=module -e "$VAULT_CHILD_CODE"`;
      child = spawn('dbus-run-session', ['--', 'bash', '-c', script], { env, cwd: REPO });
    }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch {
        reject(new Error(`child failed (exit ${code}): ${stderr.slice(-2000)} ${stdout.slice(-500)}`));
      }
    });
  });
}

let dataDir: string;
let childHome: string;
let service: string;
let keychain: Keychain;

beforeEach(async () => {
  dataDir = makeTempDir('vault-iso');
  childHome = makeTempDir('other-home');
  process.env.VAULT_CHILD_HOME = childHome;
  service = `Sealwire-test-${crypto.randomUUID()}`;
  keychain = createKeytarKeychain(service);
  if (!(await keychain.probe()).ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh` (apt-get install -y gnome-keyring dbus-x11)');
});

afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await removeTempDir(dataDir);
  await removeTempDir(childHome);
  delete process.env.VAULT_CHILD_HOME;
});

describe('vault isolation across machines and without a keychain', () => {
  it('a profile folder copied to another machine (fresh keychain) does not open, even with the right password or PIN', async () => {
    const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: FAST });
    const holder = createProfileHolder({ vault, log: silentLogger, openStore: (o) => openStore(o) });
    const created = await holder.create('Front desk Sam', 'sam-password-1');
    await holder.setPin('284719');
    await holder.close();
    const copy = makeTempDir('copied');
    try {
      await fs.cp(path.join(dataDir, 'profiles'), path.join(copy, 'profiles'), { recursive: true });
      const base = { service, dataDir: copy, kdf: FAST, open: created.profileId, password: 'sam-password-1', pin: '284719', cleanup: true };

      // Other machine, empty keychain: no device key at all.
      const empty = await runChild(base, 'fresh-keyring');
      expect(empty.protection).toBe('keychain');
      expect(empty.open).toMatchObject({ ok: false, code: 'unauthorized' });
      expect(empty.pin).toMatchObject({ ok: false, code: 'unauthorized' });

      // Other machine that already has its own Sealwire device key (another profile made there).
      const lived = await runChild({ ...base, makeOwnProfile: true }, 'fresh-keyring');
      expect(lived.own).toMatchObject({ ok: true });
      expect(lived.open).toMatchObject({ ok: false, code: 'unauthorized' });
      expect(lived.pin).toMatchObject({ ok: false, code: 'unauthorized' });

      // Back on the original machine the copy still opens: the password was right all along.
      const home = createVault({ dataDir: copy, keychain, log: silentLogger, kdf: FAST });
      const unwrapped = await home.openProfile(created.profileId, 'sam-password-1');
      expect(unwrapped.key).toHaveLength(32);
      unwrapped.key.fill(0);
    } finally {
      await removeTempDir(copy);
    }
  });

  it('with no working keychain nothing is stored (fail closed), unless policy allows the degraded mode, which says so', async () => {
    const closed = await runChild({ service, dataDir, kdf: FAST, create: 'Front desk', password: 'front-password-1' }, 'no-keychain');
    expect(closed.protection).toBe('unavailable');
    expect(closed.create).toMatchObject({ ok: false, code: 'keychain_unavailable' });
    expect((closed.create as { message: string }).message).toMatch(/keychain/i);
    const written = await fs.readdir(dataDir, { recursive: true });
    expect(written).toEqual([]);

    // A profile made with the keychain does not open without it: still keychain_unavailable, not a wrong password.
    const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: FAST });
    const { profile } = await vault.createProfile('Bound', 'bound-password-1');
    const noKeychainOpen = await runChild({ service, dataDir, kdf: FAST, open: profile.id, password: 'bound-password-1' }, 'no-keychain');
    expect(noKeychainOpen.open).toMatchObject({ ok: false, code: 'keychain_unavailable' });

    const degraded = await runChild(
      { service, dataDir, kdf: FAST, degraded: true, create: 'Degraded desk', password: 'front-password-1' },
      'no-keychain',
    );
    expect(degraded.protection).toBe('degraded');
    expect(degraded.create).toMatchObject({ ok: true, value: { displayName: 'Degraded desk' } });
    const id = (degraded.create as { value: { id: string } }).value.id;
    const keyFile = JSON.parse(await fs.readFile(path.join(dataDir, 'profiles', id, 'key.json'), 'utf8'));
    expect(keyFile.body.device).toEqual({ binding: 'none', fingerprint: null });
  });
});
