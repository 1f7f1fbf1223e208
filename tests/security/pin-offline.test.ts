import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/contract/index.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { DEVICE_KEY_ACCOUNT } from '../../electron/core/vault/device-key.ts';
import { kdfRecord, parseKeyFile, pinAad, pinInfo, writeKeyFile, type KeySlot } from '../../electron/core/vault/key-file.ts';
import { deriveKek } from '../../electron/core/vault/kdf.ts';
import { slotKek } from '../../electron/core/vault/key-slots.ts';
import { seal, open } from '../../electron/core/vault/seal.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { removeTempDirs, makeTempDir } from '../support/temp-dir.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';

/**
 * Issue 8 item 3: someone copies the profile folder and can read this OS account's keychain (the
 * device key). Before, the key file carried a PIN-wrapped store key for up to 12 hours, also after
 * sign-out, so trying every PIN offline opened the store. Now the PIN slot lives only in the
 * running app's memory.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const PIN = '284719';
const PASSWORD = 'front-desk-password-1';
/** A small PIN space that contains the real PIN: the attacker gets lucky at once, if anything opens. */
const PIN_SPACE = ['000000', '135790', '246801', '284718', PIN, '284720', '502816', '739104', '918273'];

let dataDir: string;
let service: string;
let keychain: Keychain;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dataDir = makeTempDir('pin-offline');
  service = `Sealwire-test-${crypto.randomUUID()}`;
  keychain = createKeytarKeychain(service);
  if (!(await keychain.probe()).ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh`');
});

afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await removeTempDirs();
});

async function startCore(): Promise<TestCore> {
  const started = await startTestCore({ dataDir, keychain });
  cleanups.push(started.close);
  return started;
}

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);

/**
 * The offline attack, with the vault's own unwrap code: every key file under the copied folder,
 * every PIN slot in it, every PIN of the space, with the device key read from the keychain; then a
 * freshly started vault over the copy (what a restarted app would do) tries every PIN too.
 * Returns what opened.
 */
async function guessOffline(folder: string, profileId: string): Promise<string[]> {
  const deviceKey = Buffer.from((await keychain.get(DEVICE_KEY_ACCOUNT)) ?? '', 'base64');
  expect(deviceKey).toHaveLength(32);
  const opened: string[] = [];
  const entries = await fs.readdir(folder, { withFileTypes: true, recursive: true });
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.json'))) {
    const file = path.join(entry.parentPath, entry.name);
    let body;
    try {
      body = parseKeyFile(await fs.readFile(file, 'utf8'), profileId);
    } catch {
      continue; // profile.json and the like
    }
    // Every slot a PIN could open (the password slot needs the password: 10+ characters, not 6 digits).
    const slots: Array<{ slot: KeySlot; aad: string }> = [];
    if (body.pin !== null) slots.push({ slot: body.pin, aad: pinAad(profileId, body.pin.createdAt, body.pin.expiresAt) });
    for (const { slot, aad } of slots) {
      for (const pin of PIN_SPACE) {
        const kek = await slotKek(slot, pin, deviceKey);
        const key = open(kek, slot.box, aad);
        kek.fill(0);
        if (key !== null) opened.push(`${entry.name} with PIN ${pin}`);
      }
    }
  }
  deviceKey.fill(0);
  const restarted = createVault({ dataDir: path.dirname(folder), keychain, log: silentLogger });
  for (const pin of PIN_SPACE) {
    try {
      const unwrapped = await restarted.unlockWithPin(profileId, pin);
      unwrapped.key.fill(0);
      opened.push(`restarted vault with PIN ${pin}`);
    } catch {
      // refused: what we want
    }
  }
  return opened;
}

/** Copies profiles/ to a fresh folder, as a thief with the disk or a backup would have it. */
async function copyProfiles(): Promise<string> {
  const copy = makeTempDir('pin-copy');
  await fs.cp(path.join(dataDir, 'profiles'), path.join(copy, 'profiles'), { recursive: true });
  return path.join(copy, 'profiles');
}

/** The child's program: a real core with an unlocked session and a PIN set, until it is killed. */
const CHILD = `
import { createCore } from '${REPO}/electron/core/app.ts';
import { createKeytarKeychain } from '${REPO}/electron/core/keychain/keychain.ts';
import { silentLogger } from '${REPO}/electron/core/log/logger.ts';
const a = JSON.parse(process.env.PIN_CHILD_ARGS);
const core = createCore({ appVersion: '0.0.0-test', dataDir: a.dataDir, runtime: 'bridge', log: silentLogger, keychain: createKeytarKeychain(a.service), statusIntervalMs: 60000 });
await core.ready;
const call = (m, r) => core.dispatcher.call(m, r, { transport: 'bridge' });
const made = await call('profiles.create', { displayName: 'Front desk Ana', password: a.password });
const pin = await call('profiles.setPin', { pin: a.pin });
console.log(JSON.stringify({ profileId: made.ok ? made.value.profile.id : null, made, pin }));
setInterval(() => undefined, 60000);
`;

describe('a PIN cannot be guessed offline', () => {
  it('after sign-out, every PIN against the copied folder and the keychain device key opens nothing', async () => {
    const { call } = await startCore();
    const { profile } = ok(await call('profiles.create', { displayName: 'Front desk Ana', password: PASSWORD }));
    ok(await call('profiles.setPin', { pin: PIN }));
    // While the session is alive a lock keeps quick unlock: that is what it is for.
    ok(await call('session.lockNow', { via: 'button' }));
    expect(ok(await call('profiles.list', {})).profiles[0]?.hasPin).toBe(true);
    ok(await call('profiles.unlockWithPin', { profileId: profile.id, pin: PIN }));
    ok(await call('session.lockNow', { via: 'button' }));

    // Copied while locked with a live PIN: the disk holds nothing a PIN opens.
    expect(await guessOffline(await copyProfiles(), profile.id)).toEqual([]);

    ok(await call('session.signOut', {}));
    expect(ok(await call('profiles.list', {})).profiles[0]?.hasPin).toBe(false);
    expect(codeOf(await call('profiles.unlockWithPin', { profileId: profile.id, pin: PIN }))).toBe('unauthorized');
    expect(await guessOffline(await copyProfiles(), profile.id)).toEqual([]);
    // The password still opens it: nothing was lost.
    ok(await call('profiles.open', { profileId: profile.id, password: PASSWORD }));
  });

  it('after kill -9 of the app holding an unlocked session with a PIN, every PIN opens nothing', async () => {
    const env = { ...process.env, PIN_CHILD_ARGS: JSON.stringify({ dataDir, service, password: PASSWORD, pin: PIN }) };
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env, cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not get ready: ${stderr.slice(-2000)}`)), 45_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolve(stdout.split('\n')[0] ?? '');
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}): ${stderr.slice(-2000)}`)));
    });
    const ready = JSON.parse(line) as { profileId: string; pin: Result<unknown> };
    expect(ready.pin.ok).toBe(true);
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await guessOffline(await copyProfiles(), ready.profileId)).toEqual([]);
    expect(await guessOffline(path.join(dataDir, 'profiles'), ready.profileId)).toEqual([]);
  });

  it('every end of the session drops quick unlock: max session, password change, wipe; five wrong PINs too', async () => {
    const { call, time, core } = await startCore();
    const { profile } = ok(await call('profiles.create', { displayName: 'Front desk Ana', password: PASSWORD }));
    const hasPin = async () => ok(await call('profiles.list', {})).profiles.find((p) => p.id === profile.id)?.hasPin;

    ok(await call('profiles.setPin', { pin: PIN }));
    ok(await call('session.lockNow', { via: 'button' }));
    time.advance(core.session.state().sessionEndsAt! - time.now() + 1000);
    expect(core.session.state().state).toBe('signed-out');
    expect(await hasPin()).toBe(false);

    ok(await call('profiles.open', { profileId: profile.id, password: PASSWORD }));
    ok(await call('profiles.setPin', { pin: PIN }));
    ok(await call('profiles.changePassword', { profileId: profile.id, oldPassword: PASSWORD, newPassword: `${PASSWORD}-new` }));
    expect(await hasPin()).toBe(false);

    ok(await call('profiles.setPin', { pin: PIN }));
    ok(await call('session.lockNow', { via: 'button' }));
    for (let i = 1; i < 5; i++) expect(codeOf(await call('profiles.unlockWithPin', { profileId: profile.id, pin: '502816' }))).toBe('wrong_pin');
    expect(codeOf(await call('profiles.unlockWithPin', { profileId: profile.id, pin: '502816' }))).toBe('pin_locked_out');
    expect(await hasPin()).toBe(false);

    ok(await call('profiles.open', { profileId: profile.id, password: `${PASSWORD}-new` }));
    ok(await call('profiles.setPin', { pin: PIN }));
    ok(await call('profiles.wipe', { profileId: profile.id, password: `${PASSWORD}-new` }));
    expect(ok(await call('profiles.list', {})).profiles).toEqual([]);
  });

  it('an old key file that still carries a PIN slot loses it the first time the app lists profiles', async () => {
    const { call } = await startCore();
    const { profile } = ok(await call('profiles.create', { displayName: 'Front desk Ana', password: PASSWORD }));
    ok(await call('profiles.close', {}));
    // Write the slot the way the code before issue 8 did: PIN-wrapped store key in key.json.
    const vault = createVault({ dataDir, keychain, log: silentLogger });
    const unwrapped = await vault.openProfile(profile.id, PASSWORD);
    const keyFile = vault.paths(profile.id).keyFile;
    const body = parseKeyFile(await fs.readFile(keyFile, 'utf8'), profile.id);
    const deviceKey = Buffer.from((await keychain.get(DEVICE_KEY_ACCOUNT)) ?? '', 'base64');
    const salt = crypto.randomBytes(16);
    const params = { log2N: 10, r: 8, p: 1 };
    const createdAt = Date.now();
    const expiresAt = createdAt + 60 * 60 * 1000;
    const kek = await deriveKek(PIN, salt, params, deviceKey, pinInfo(profile.id));
    const pinSlot = { kdf: kdfRecord(params, salt), hkdf: { hash: 'sha256' as const, info: pinInfo(profile.id) }, box: seal(kek, unwrapped.key, pinAad(profile.id, createdAt, expiresAt)) };
    await writeKeyFile(keyFile, { ...body, pin: { ...pinSlot, createdAt, expiresAt, failedCount: 0 } });
    kek.fill(0);
    deviceKey.fill(0);
    unwrapped.key.fill(0);
    const legacy = await copyProfiles();
    expect(await guessOffline(legacy, profile.id)).toContain(`key.json with PIN ${PIN}`); // the attack is real

    // The app starts again and lists profiles: the slot is gone from the file, and nothing opens.
    const restarted = createVault({ dataDir, keychain, log: silentLogger });
    expect((await restarted.listProfiles())[0]?.hasPin).toBe(false);
    expect(parseKeyFile(await fs.readFile(keyFile, 'utf8'), profile.id).pin).toBeNull();
    expect(await guessOffline(await copyProfiles(), profile.id)).toEqual([]);
  });
});
