import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import keytar from 'keytar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { readSystemStatus } from '../../electron/core/system/status.ts';
import { DEVICE_KEY_ACCOUNT } from '../../electron/core/vault/device-key.ts';
import { DEFAULT_SCRYPT, scryptKey, tuneKdf, type ScryptParams } from '../../electron/core/vault/kdf.ts';
import { createProfileHolder, type ProfileHolder } from '../../electron/core/vault/open-profile.ts';
import { createVault, MAX_PIN_ATTEMPTS, type Vault, type VaultOptions } from '../../electron/core/vault/vault.ts';
import { profilesDispatcher } from '../support/profiles-dispatcher.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

// Functional tests wrap with cheap scrypt parameters; the measured test uses the real default.
const FAST: ScryptParams = { log2N: 10, r: 8, p: 1 };
const HOUR = 60 * 60 * 1000;

let dataDir: string;
let service: string;
let keychain: Keychain;
let clock: number;

const makeVault = (extra: Partial<VaultOptions> = {}): Vault =>
  createVault({ dataDir, keychain, log: silentLogger, kdf: FAST, now: () => clock, ...extra });
const makeHolder = (vault: Vault): ProfileHolder<Store> =>
  createProfileHolder<Store>({ vault, log: silentLogger, openStore: (o) => openStore(o) });

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    return err instanceof CoreError ? err.code : `untyped: ${String(err)}`;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

const sha = async (file: string): Promise<string> => crypto.createHash('sha256').update(await fs.readFile(file)).digest('hex');

/** Every byte under dir and every keychain entry of this service, searched for each needle. */
async function forensicHits(dir: string, needles: Record<string, Buffer>): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await fs.readFile(file);
    for (const [name, needle] of Object.entries(needles)) if (bytes.includes(needle)) hits.push(`${name} in ${path.relative(dir, file)}`);
  }
  for (const cred of await keytar.findCredentials(service)) {
    const bytes = Buffer.from(`${cred.account}\n${cred.password}`, 'utf8');
    for (const [name, needle] of Object.entries(needles)) if (bytes.includes(needle)) hits.push(`${name} in keychain ${cred.account}`);
  }
  return hits;
}

const keyNeedles = (label: string, key: Buffer): Record<string, Buffer> => ({
  [`${label}-raw`]: Buffer.from(key),
  [`${label}-hex`]: Buffer.from(key.toString('hex')),
  [`${label}-HEX`]: Buffer.from(key.toString('hex').toUpperCase()),
  [`${label}-base64`]: Buffer.from(key.toString('base64')),
  [`${label}-base64url`]: Buffer.from(key.toString('base64url')),
});
const textNeedles = (label: string, text: string): Record<string, Buffer> => ({
  [`${label}-utf8`]: Buffer.from(text, 'utf8'),
  [`${label}-utf16`]: Buffer.from(text, 'utf16le'),
});

beforeEach(async () => {
  dataDir = makeTempDir('vault');
  service = `Sealwire-test-${crypto.randomUUID()}`;
  keychain = createKeytarKeychain(service);
  clock = Date.UTC(2026, 0, 5, 8, 0, 0);
  const probe = await keychain.probe();
  if (!probe.ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh` (needs gnome-keyring: apt-get install -y gnome-keyring dbus-x11)');
});

afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await removeTempDir(dataDir);
});

describe('vault profiles (real keychain, real files)', () => {
  it('creates a profile with PHI-free metadata, recorded KDF parameters and a device key only in the keychain', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const open = await holder.create('Front desk Sam', 'sam-password-1');
    expect(holder.require().profileId).toBe(open.profileId);
    await holder.close();
    expect(await codeOf(Promise.resolve().then(() => holder.require()))).toBe('locked');

    const dir = path.join(dataDir, 'profiles', open.profileId);
    const listing = await fs.readdir(dir);
    expect(listing).toEqual(expect.arrayContaining(['key.json', 'profile.json', 'store.db']));
    expect(listing.filter((f) => !['key.json', 'profile.json', 'store.db', 'attachments'].includes(f))).toEqual([]);
    expect((await fs.readdir(path.join(dataDir, 'profiles'))).filter((f) => f.startsWith('.'))).toEqual([]);
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'profile.json'), 'utf8'));
    expect(meta).toEqual({ formatVersion: 1, id: open.profileId, displayName: 'Front desk Sam', createdAt: clock });
    const keyFile = JSON.parse(await fs.readFile(path.join(dir, 'key.json'), 'utf8'));
    expect(keyFile.body.password.kdf).toMatchObject({ name: 'scrypt', log2N: FAST.log2N, r: 8, p: 1 });
    expect(keyFile.body.password.hkdf).toEqual({ hash: 'sha256', info: `sealwire/kek/v1/${open.profileId}` });
    expect(Buffer.from(keyFile.body.password.box.ciphertext, 'base64')).toHaveLength(32);
    expect(keyFile.body.device.binding).toBe('keychain');
    expect(keyFile.body.pin).toBeNull();
    expect((await fs.stat(path.join(dir, 'key.json'))).mode & 0o077).toBe(0);

    expect(await keychain.accounts()).toEqual([DEVICE_KEY_ACCOUNT]);
    expect(Buffer.from((await keychain.get(DEVICE_KEY_ACCOUNT)) as string, 'base64')).toHaveLength(32);

    expect(await vault.listProfiles()).toEqual([{ id: open.profileId, displayName: 'Front desk Sam', createdAt: clock, hasPin: false }]);
    const status = await readSystemStatus({ appVersion: '0', dataDir, keychain, runtime: 'bridge' });
    expect(status.profileCount).toBe(1);
    expect(await vault.protection()).toBe('keychain');

    expect(await codeOf(vault.createProfile('front desk sam', 'another-password'))).toBe('conflict');
    expect(await codeOf(vault.createProfile('Short pw', 'short'))).toBe('invalid_request');
    expect(await codeOf(vault.createProfile('Bad\nname', 'long-enough-pw'))).toBe('invalid_request');
    expect((await vault.listProfiles()).length).toBe(1);
  });

  it('closing zeroes the key buffers it held, and a failed open of another profile leaves the open one alone', async () => {
    const vault = makeVault();
    const handed: Buffer[] = [];
    const spy: Vault = {
      ...vault,
      openProfile: async (id, pw) => {
        const u = await vault.openProfile(id, pw);
        handed.push(u.key);
        return u;
      },
    };
    const holder = makeHolder(spy);
    const a = await holder.create('Staff A', 'password-of-a');
    const b = await holder.create('Staff B', 'password-of-b');
    await holder.close();
    await holder.openWithPassword(a.profileId, 'password-of-a');
    expect(handed[0]?.equals(Buffer.alloc(32))).toBe(false);
    expect(await codeOf(holder.openWithPassword(b.profileId, 'password-of-a'))).toBe('wrong_password');
    expect(holder.require().profileId).toBe(a.profileId);
    await holder.openWithPassword(b.profileId, 'password-of-b'); // switching user closes A first
    expect(handed[0]?.equals(Buffer.alloc(32))).toBe(true);
    expect(holder.require().profileId).toBe(b.profileId);
    await holder.close();
    expect(handed[1]?.equals(Buffer.alloc(32))).toBe(true);
    expect(holder.current()).toBeNull();
  });

  it('refuses a wrong password and an unknown profile alike, and A’s password never opens B', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const a = await holder.create('Staff A', 'password-of-a');
    const b = await holder.create('Staff B', 'password-of-b');
    expect(holder.require().profileId).toBe(b.profileId); // creating B switched away from A
    await holder.close();

    expect(await codeOf(holder.openWithPassword(b.profileId, 'password-of-a'))).toBe('wrong_password');
    expect(await codeOf(holder.openWithPassword(a.profileId, 'password-of-b'))).toBe('wrong_password');
    expect(await codeOf(holder.openWithPassword(crypto.randomUUID(), 'password-of-a'))).toBe('wrong_password');
    expect(await codeOf(holder.openWithPassword('../../etc', 'password-of-a'))).toBe('wrong_password');
    const messages = new Set<string>();
    for (const id of [b.profileId, crypto.randomUUID()]) {
      try {
        await vault.openProfile(id, 'password-of-a');
      } catch (err) {
        messages.add((err as Error).message);
      }
    }
    expect(messages.size).toBe(1); // no hint whether the profile exists
    expect(holder.current()).toBeNull();

    const opened = await holder.openWithPassword(a.profileId, 'password-of-a');
    expect(opened.profileId).toBe(a.profileId);
    await holder.close();
  });

  it('changes the password by re-wrapping the same key: new opens, old fails, messages intact', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const open = await holder.create('Nurse Kim', 'first-password');
    const conv = open.store.ensureConversation({ kind: 'direct', jid: 'dr@clinic.test' });
    open.store.insertMessage({ clientId: 'm1', conversationId: conv.id, senderJid: 'dr@clinic.test', body: 'hello', sentAt: clock, direction: 'in' });
    await holder.close();
    const storeHash = await sha(path.join(dataDir, 'profiles', open.profileId, 'store.db'));

    expect(await codeOf(vault.changePassword(open.profileId, 'wrong-password', 'second-password'))).toBe('wrong_password');
    expect(await codeOf(vault.changePassword(open.profileId, 'first-password', 'short'))).toBe('invalid_request');
    await vault.changePassword(open.profileId, 'first-password', 'second-password');
    expect(await sha(path.join(dataDir, 'profiles', open.profileId, 'store.db'))).toBe(storeHash); // no re-encryption

    expect(await codeOf(holder.openWithPassword(open.profileId, 'first-password'))).toBe('wrong_password');
    const again = await holder.openWithPassword(open.profileId, 'second-password');
    expect(again.store.getMessageByClientId('m1')?.body).toBe('hello');
    await holder.close();
  });

  it('rekeys: the store opens with the new key only, and an interrupted rekey recovers in both crash states', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const created = await holder.create('Dr Lee', 'lee-password-1');
    created.store.setSetting('probe', 'still-here');
    await holder.close();
    const paths = vault.paths(created.profileId);
    const oldKey = (await vault.openProfile(created.profileId, 'lee-password-1')).key;
    const oldKeyFile = await fs.readFile(paths.keyFile);

    await holder.openWithPassword(created.profileId, 'lee-password-1');
    expect(await codeOf(holder.rekey('wrong-password'))).toBe('wrong_password');
    await holder.rekey('lee-password-1');
    expect(holder.require().store.getSetting('probe')).toBe('still-here');
    await holder.close();
    await expect(fs.access(paths.pendingKeyFile)).rejects.toThrow();

    const newKey = (await vault.openProfile(created.profileId, 'lee-password-1')).key;
    expect(newKey.equals(oldKey)).toBe(false);
    expect(await codeOf(Promise.resolve().then(() => openStore({ file: paths.storeFile, key: oldKey })))).toBe('wrong_password');
    const direct = openStore({ file: paths.storeFile, key: newKey });
    expect(direct.getSetting('probe')).toBe('still-here');
    direct.close();
    const newKeyFile = await fs.readFile(paths.keyFile);

    // Crash after the store rekey committed but before key.next.json replaced key.json.
    await fs.writeFile(paths.keyFile, oldKeyFile);
    await fs.writeFile(paths.pendingKeyFile, newKeyFile);
    const recovered = await holder.openWithPassword(created.profileId, 'lee-password-1');
    expect(recovered.store.getSetting('probe')).toBe('still-here');
    await holder.close();
    expect(await fs.readFile(paths.keyFile)).toEqual(newKeyFile);
    await expect(fs.access(paths.pendingKeyFile)).rejects.toThrow();

    // Crash after key.next.json was written but before the store rekey: the store is still under the current key.
    const stray = crypto.randomBytes(32);
    const strayStore = path.join(dataDir, 'stray.db');
    openStore({ file: strayStore, key: stray, create: true }).close();
    await fs.copyFile(paths.keyFile, paths.pendingKeyFile);
    const pendingText = JSON.parse(await fs.readFile(paths.pendingKeyFile, 'utf8'));
    expect(pendingText.body.profileId).toBe(created.profileId);
    const kept = await holder.openWithPassword(created.profileId, 'lee-password-1');
    expect(kept.store.getSetting('probe')).toBe('still-here');
    await holder.close();
    await expect(fs.access(paths.pendingKeyFile)).rejects.toThrow();
  });

  it('quick unlock: PIN rules, only while open, unlocks, five wrong PINs destroy the slot, expires with the window', async () => {
    const vault = makeVault({ quickUnlockWindowMs: 24 * HOUR }); // asks for more than allowed: clamped to 12 h
    const holder = makeHolder(vault);
    const open = await holder.create('Front desk Ana', 'ana-password-1');
    const id = open.profileId;
    for (const trivial of ['111111', '123456', '654321', '121212', 'abcdef']) {
      expect(await codeOf(holder.setPin(trivial)), trivial).toBe('invalid_request');
    }
    // Too short says so with its own code (and the minimum, for the renderer's sentence).
    expect(await codeOf(holder.setPin('12345'))).toBe('pin_too_short');
    const { expiresAt } = await holder.setPin('284719');
    expect(expiresAt).toBe(clock + 12 * HOUR);
    await holder.close();
    expect(await codeOf(holder.setPin('284719'))).toBe('locked');
    expect((await vault.listProfiles())[0]?.hasPin).toBe(true);

    expect(await codeOf(holder.unlockWithPin(id, '284718'))).toBe('wrong_pin');
    const unlocked = await holder.unlockWithPin(id, '284719'); // a success resets the count
    expect(unlocked.profileId).toBe(id);
    await holder.close();
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) expect(await codeOf(holder.unlockWithPin(id, '502816'))).toBe('wrong_pin');
    expect(await codeOf(holder.unlockWithPin(id, '502816'))).toBe('pin_locked_out');
    expect(await codeOf(holder.unlockWithPin(id, '284719'))).toBe('unauthorized'); // slot gone, right PIN too
    expect((await vault.listProfiles())[0]?.hasPin).toBe(false);
    const keyFile = JSON.parse(await fs.readFile(vault.paths(id).keyFile, 'utf8'));
    expect(keyFile.body.pin).toBeNull();
    expect(holder.current()).toBeNull();

    // Expiry, with the injected clock.
    await holder.openWithPassword(id, 'ana-password-1');
    await holder.setPin('190273');
    await holder.close();
    clock += 12 * HOUR - 1000;
    const late = await holder.unlockWithPin(id, '190273');
    expect(late.profileId).toBe(id);
    await holder.close();
    clock += 2000;
    expect((await vault.listProfiles())[0]?.hasPin).toBe(false);
    expect(await codeOf(holder.unlockWithPin(id, '190273'))).toBe('unauthorized');
    expect(JSON.parse(await fs.readFile(vault.paths(id).keyFile, 'utf8')).body.pin).toBeNull();

    // The slot never reaches the key file: it lives in this vault's memory only.
    await holder.openWithPassword(id, 'ana-password-1');
    await holder.setPin('190273');
    await holder.close();
    expect(JSON.parse(await fs.readFile(vault.paths(id).keyFile, 'utf8')).body.pin).toBeNull();
    expect(await codeOf(holder.unlockWithPin(id, '190273'))).toBe('ok');
    await holder.close();

    // Policy shrinking the window applies to an existing PIN at once.
    let windowMs = 12 * HOUR;
    const live = makeVault({ settings: () => ({ quickUnlockWindowMs: windowMs }) });
    const liveHolder = makeHolder(live);
    await liveHolder.openWithPassword(id, 'ana-password-1');
    await liveHolder.setPin('190273');
    await liveHolder.close();
    clock += 2 * HOUR;
    windowMs = HOUR;
    expect(await codeOf(liveHolder.unlockWithPin(id, '190273'))).toBe('unauthorized');
  });

  it('a damaged key file is a typed error and leaves the store byte-for-byte untouched', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const open = await holder.create('Dr Ray', 'ray-password-1');
    open.store.setSetting('probe', 'x');
    await holder.close();
    const paths = vault.paths(open.profileId);
    const good = await fs.readFile(paths.keyFile);
    const before = await sha(paths.storeFile);
    const flipAt = (i: number) => {
      const b = Buffer.from(good);
      b[i] = (b[i] as number) ^ 0x04;
      return b;
    };
    const ciphertextAt = good.indexOf('"ciphertext"') + 16;
    const damages: Record<string, Buffer | null> = {
      truncated: good.subarray(0, Math.floor(good.length / 2)),
      empty: Buffer.alloc(0),
      'bad JSON': Buffer.from('{"format": "sealwire-key-file", '),
      'flipped ciphertext byte': flipAt(ciphertextAt),
      'flipped tag byte': flipAt(good.indexOf('"tag"') + 9),
      'flipped salt byte': flipAt(good.indexOf('"salt"') + 10),
      missing: null,
    };
    for (const [name, bytes] of Object.entries(damages)) {
      if (bytes === null) await fs.rm(paths.keyFile);
      else await fs.writeFile(paths.keyFile, bytes);
      expect(await codeOf(holder.openWithPassword(open.profileId, 'ray-password-1')), name).toBe('damaged_key_file');
      expect(await codeOf(holder.unlockWithPin(open.profileId, '284719')), name).toBe('damaged_key_file');
      expect(await sha(paths.storeFile), name).toBe(before);
      if (bytes !== null) expect(await fs.readFile(paths.keyFile), name).toEqual(bytes); // not "repaired" or rewritten
    }
    await fs.writeFile(paths.keyFile, good);
    const reopened = await holder.openWithPassword(open.profileId, 'ray-password-1');
    expect(reopened.store.getSetting('probe')).toBe('x');
    await holder.close();
  });

  it('wipes one profile completely and leaves the others working', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const keep = await holder.create('Keep me', 'keep-password-1');
    const gone = await holder.create('Wipe me', 'wipe-password-1');
    gone.store.setSetting('probe', 'x');
    const goneDir = vault.paths(gone.profileId).dir;
    await holder.wipe(gone.profileId); // it is the open one: closed first
    expect(holder.current()).toBeNull();
    await expect(fs.access(goneDir)).rejects.toThrow();
    expect((await fs.readdir(path.join(dataDir, 'profiles'))).sort()).toEqual([keep.profileId]);
    expect((await vault.listProfiles()).map((p) => p.displayName)).toEqual(['Keep me']);
    expect(await codeOf(holder.openWithPassword(gone.profileId, 'wipe-password-1'))).toBe('wrong_password');
    expect((await holder.openWithPassword(keep.profileId, 'keep-password-1')).profileId).toBe(keep.profileId);
    await holder.close();
  });

  it('wipes the device: every profile and every keychain entry, so a backup of the folder is useless', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const a = await holder.create('Staff A', 'password-of-a');
    await holder.setPin('284719');
    await holder.create('Staff B', 'password-of-b');
    await holder.close();
    await keychain.set('other-sealwire-entry', 'x');
    const backup = makeTempDir('backup');
    try {
      await fs.cp(path.join(dataDir, 'profiles'), path.join(backup, 'profiles'), { recursive: true });
      await holder.openWithPassword(a.profileId, 'password-of-a');
      await holder.wipeDevice();
      expect(holder.current()).toBeNull();
      await expect(fs.access(path.join(dataDir, 'profiles'))).rejects.toThrow();
      expect(await filesUnder(dataDir)).toEqual([]);
      expect(await keytar.findCredentials(service)).toEqual([]);

      // Restore the backup: with the device key gone nothing opens, with the right password or PIN.
      await fs.cp(path.join(backup, 'profiles'), path.join(dataDir, 'profiles'), { recursive: true });
      const restored = makeVault();
      expect(await codeOf(restored.openProfile(a.profileId, 'password-of-a'))).toBe('unauthorized');
      expect(await codeOf(restored.unlockWithPin(a.profileId, '284719'))).toBe('unauthorized');
      expect(await keytar.findCredentials(service)).toEqual([]); // opening did not create a new device key
    } finally {
      await removeTempDir(backup);
    }
  });

  it('forensics: no password, PIN or database key under the profile folder or in the keychain', async () => {
    const canary = `CANARY-${crypto.randomUUID()}`;
    const password = `pw-${canary}`;
    const newPassword = `pw2-${canary}`;
    const pin = '739104';
    const vault = makeVault();
    const holder = makeHolder(vault);
    const open = await holder.create('Forensics', password);
    // PHI canaries through the real store and attachments of the vault-opened profile.
    const patient = `Zelphira Quistwood ${canary.slice(-6)}`;
    const mrn = `MRN-${canary.slice(-8)}-88412`;
    const conv = open.store.ensureConversation({ kind: 'direct', jid: 'dr@clinic.test' });
    const msg = open.store.insertMessage({ clientId: 'c1', conversationId: conv.id, senderJid: 'dr@clinic.test', body: `${patient} ${mrn}`, sentAt: clock, direction: 'in' });
    await open.store.attachments.add({ messageId: msg.id, fileName: 'scan.txt', mime: 'text/plain', data: Buffer.from(`${patient}\n${mrn}\n`.repeat(100)) });
    await holder.setPin(pin);
    await holder.close();
    const { key: firstKey } = await vault.openProfile(open.profileId, password);
    await holder.openWithPassword(open.profileId, password);
    await holder.close();
    await holder.unlockWithPin(open.profileId, pin);
    await holder.rekey(password);
    await holder.close();
    expect((await vault.listProfiles())[0]?.hasPin).toBe(false); // the PIN slot wrapped the old key: dropped by rekey
    await vault.changePassword(open.profileId, password, newPassword);
    const { key: secondKey } = await vault.openProfile(open.profileId, newPassword);
    expect(secondKey.equals(firstKey)).toBe(false);
    const check = await holder.openWithPassword(open.profileId, newPassword);
    expect(check.store.getMessageByClientId('c1')?.body).toBe(`${patient} ${mrn}`); // the canaries really are stored
    const att = check.store.attachments.list(msg.id)[0];
    expect((await check.store.attachments.read(att?.id ?? -1)).toString()).toContain(mrn);
    await holder.close();

    const needles = {
      ...textNeedles('password', password),
      ...textNeedles('new-password', newPassword),
      ...textNeedles('canary', canary),
      ...textNeedles('pin', pin),
      ...textNeedles('patient', patient),
      ...textNeedles('mrn', mrn),
      ...keyNeedles('db-key-1', firstKey),
      ...keyNeedles('db-key-2', secondKey),
    };
    expect(await forensicHits(dataDir, needles)).toEqual([]);
    // The device key lives in the keychain by design, and nowhere else.
    const deviceKey = Buffer.from((await keychain.get(DEVICE_KEY_ACCOUNT)) as string, 'base64');
    const files = await filesUnder(dataDir);
    for (const file of files) {
      const bytes = await fs.readFile(file);
      for (const [name, needle] of Object.entries(keyNeedles('device-key', deviceKey))) expect(bytes.includes(needle), `${name} in ${file}`).toBe(false);
    }
    // No temp files left behind by atomic writes.
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('profiles.* over the dispatcher: typed errors, no key material in any response', async () => {
    const vault = makeVault();
    const holder = makeHolder(vault);
    const { dispatcher, session, lifecycle } = profilesDispatcher({ vault, holder, dataDir, keychain });
    const ctx = { transport: 'bridge' as const };
    const responses: unknown[] = [];
    const call = async (method: string, request: unknown) => {
      const result = await dispatcher.call(method, request, ctx);
      responses.push(result);
      return result;
    };
    expect(await call('profiles.list', {})).toEqual({ ok: true, value: { protection: 'keychain', profiles: [] } });
    const created = (await call('profiles.create', { displayName: 'Bridge user', password: 'bridge-password' })) as {
      ok: true;
      value: { profile: { id: string } };
    };
    expect(created).toMatchObject({ ok: true, value: { profile: { displayName: 'Bridge user', hasPin: false } } });
    const id = created.value.profile.id;
    expect(await call('profiles.current', {})).toMatchObject({ ok: true, value: { profile: { id } } });
    expect(await call('profiles.setPin', { pin: '111111' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await call('profiles.setPin', { pin: '284719' })).toMatchObject({ ok: true });
    expect(await call('profiles.close', {})).toEqual({ ok: true, value: {} });
    expect(await call('profiles.setPin', { pin: '284719' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await call('profiles.open', { profileId: id, password: 'nope-nope-nope' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    expect(await call('profiles.open', { profileId: id, password: 'x'.repeat(5000) })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    // A PIN only unlocks the same staff member's locked session.
    expect(await call('profiles.unlockWithPin', { profileId: id, pin: '284719' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await call('profiles.open', { profileId: id, password: 'bridge-password' })).toMatchObject({ ok: true, value: { profile: { id } } });
    session.lock('button');
    await lifecycle.closing();
    expect(holder.current()).toBeNull();
    expect(await call('profiles.unlockWithPin', { profileId: id, pin: '284719' })).toMatchObject({ ok: true, value: { profile: { id, hasPin: true } } });
    expect(await call('profiles.wipe', { profileId: id, password: 'wrong-password' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    expect(await call('profiles.changePassword', { profileId: id, oldPassword: 'bridge-password', newPassword: 'bridge-password-2' })).toEqual({ ok: true, value: {} });
    const { key } = await vault.openProfile(id, 'bridge-password-2');
    expect(await call('profiles.wipe', { profileId: id, password: 'bridge-password-2' })).toEqual({ ok: true, value: {} });
    expect(await call('profiles.list', {})).toEqual({ ok: true, value: { protection: 'keychain', profiles: [] } });
    const all = JSON.stringify(responses);
    for (const needle of [key.toString('hex'), key.toString('base64'), 'bridge-password']) expect(all).not.toContain(needle);
  });

  it('measures the default KDF and a full profile open (printed, and within sane bounds)', async () => {
    const salt = crypto.randomBytes(16);
    const started = performance.now();
    (await scryptKey('measure-password', salt, DEFAULT_SCRYPT)).fill(0);
    const kdfMs = performance.now() - started;
    const tuning = await tuneKdf(250, [15, 16]);
    expect([15, 16]).toContain(tuning.params.log2N);
    expect(tuning.samples.length).toBeGreaterThan(0);

    const vault = makeVault({ kdf: DEFAULT_SCRYPT });
    const holder = makeHolder(vault);
    const created = await holder.create('Timing', 'timing-password');
    await holder.close();
    const t0 = performance.now();
    await holder.openWithPassword(created.profileId, 'timing-password');
    const openMs = performance.now() - t0;
    await holder.close();
    const t1 = performance.now();
    expect(await codeOf(holder.openWithPassword(crypto.randomUUID(), 'timing-password'))).toBe('wrong_password');
    const unknownMs = performance.now() - t1;
    console.log(JSON.stringify({ vault_kdf_ms: Math.round(kdfMs), vault_open_ms: Math.round(openMs), vault_unknown_profile_ms: Math.round(unknownMs), tuned: tuning.params, tuned_ms: Math.round(tuning.ms) }));
    expect(kdfMs).toBeGreaterThan(20); // a real memory-hard cost, not a no-op
    expect(openMs).toBeGreaterThan(kdfMs * 0.3);
    expect(unknownMs).toBeGreaterThan(kdfMs * 0.3); // an unknown profile costs a KDF too
  });
});
