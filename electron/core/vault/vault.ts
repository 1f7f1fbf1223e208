import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { CoreError } from '../errors.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { profilesDir } from '../paths.ts';
import { fsyncDir, writeFileAtomic } from './atomic-write.ts';
import {
  deviceFingerprint,
  keychainUnavailable,
  loadDeviceKey,
  loadOrCreateDeviceKey,
  UNBOUND_DEVICE_KEY,
} from './device-key.ts';
import { DEFAULT_SCRYPT, deriveKek, scryptKey, type ScryptParams } from './kdf.ts';
import {
  kdfParams,
  kdfRecord,
  KEY_FILE_VERSION,
  passwordAad,
  passwordInfo,
  pinAad,
  pinInfo,
  readKeyFile,
  writeKeyFile,
  type KeyFile,
  type KeySlot,
  type PinSlot,
} from './key-file.ts';
import { creatingDir, PROFILE_ID, profilePaths, wipingDir, type ProfilePaths } from './layout.ts';
import { cleanDisplayName, PROFILE_FORMAT_VERSION, readProfileMeta, type ProfileMeta } from './profile-meta.ts';
import { open, seal } from './seal.ts';
import { checkPassword, checkPin, PASSWORD_MIN_CHARS } from './secret-rules.ts';
import { shredFile, shredTree } from './wipe.ts';

export const QUICK_UNLOCK_MAX_MS = 12 * 60 * 60 * 1000;
export const MAX_PIN_ATTEMPTS = 5;

export interface VaultOptions {
  readonly dataDir: string;
  readonly keychain: Keychain;
  readonly log: Logger;
  readonly now?: () => number;
  /** scrypt parameters for new wraps; existing key files keep the parameters they record. */
  readonly kdf?: ScryptParams;
  /** Quick-unlock window; clamped to at most 12 h. */
  readonly quickUnlockWindowMs?: number;
  /** Policy switch: store data protected by the password alone when no keychain works. */
  readonly allowDegradedWithoutKeychain?: boolean;
  readonly passwordMinChars?: number;
  /** Live policy, read at every operation; overrides the three fixed values above. */
  readonly settings?: () => Partial<VaultSettings>;
}

export interface VaultSettings {
  readonly quickUnlockWindowMs: number;
  readonly allowDegradedWithoutKeychain: boolean;
  readonly passwordMinChars: number;
}

export interface ProfileSummary {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: number;
  readonly hasPin: boolean;
}

/** 'keychain': normal; 'degraded': no keychain but policy allows password-only; 'unavailable': fail closed. */
export type VaultProtection = 'keychain' | 'degraded' | 'unavailable';

/**
 * An unwrapped database key, handed to the open-profile holder. `pendingKey` is set when a rekey
 * was interrupted: the store is under one of the two keys, and the holder reports which one opened it.
 */
export interface UnwrappedProfile {
  readonly profileId: string;
  readonly key: Buffer;
  readonly pendingKey: Buffer | null;
  readonly paths: ProfilePaths;
}

/** The part of the store the vault drives during a rekey. */
export interface RekeyableStore {
  rekey(newKey: Buffer): void | Promise<void>;
}

export interface Vault {
  protection(): Promise<VaultProtection>;
  listProfiles(): Promise<ProfileSummary[]>;
  /**
   * `initStore` runs inside the staging folder before the profile becomes visible, so a crash
   * never leaves a listed profile without its store.
   */
  createProfile(
    displayName: string,
    password: string,
    initStore?: (staged: ProfilePaths, key: Buffer) => Promise<void>,
  ): Promise<{ profile: ProfileSummary; unwrapped: UnwrappedProfile }>;
  openProfile(profileId: string, password: string): Promise<UnwrappedProfile>;
  unlockWithPin(profileId: string, pin: string): Promise<UnwrappedProfile>;
  /** Throws CoreError('wrong_password') unless the password unwraps this profile's key. */
  verifyPassword(profileId: string, password: string): Promise<void>;
  /** `key` is the open profile's database key: only an open profile can set its PIN. */
  setPin(profileId: string, pin: string, key: Buffer): Promise<{ expiresAt: number }>;
  removePin(profileId: string): Promise<void>;
  changePassword(profileId: string, oldPassword: string, newPassword: string): Promise<void>;
  /** Returns the new key; the store is already under it when this resolves. */
  rekey(profileId: string, password: string, store: RekeyableStore): Promise<Buffer>;
  /** After an interrupted rekey: keep the key that opened the store, discard the other. */
  settlePendingKey(profileId: string, kept: 'current' | 'pending'): Promise<void>;
  wipeProfile(profileId: string): Promise<void>;
  wipeDevice(): Promise<void>;
  paths(profileId: string): ProfilePaths;
}

const WRONG_PASSWORD = 'The password is not right for this profile.';
const OTHER_DEVICE =
  'This staff profile belongs to another computer (or this computer’s keychain was reset), so it cannot be opened here. Create a new profile on this computer.';
const NO_QUICK_UNLOCK = 'Quick unlock is not available for this profile right now. Sign in with your password.';
const WRONG_PIN = 'That PIN is not right.';
const PIN_LOCKED = 'Too many wrong PINs. Quick unlock is switched off; sign in with your password.';

export function createVault(options: VaultOptions): Vault {
  const { dataDir, keychain, log } = options;
  const now = options.now ?? Date.now;
  const kdf = options.kdf ?? DEFAULT_SCRYPT;
  const settings = (): VaultSettings => {
    const live = options.settings?.() ?? {};
    const windowMs = live.quickUnlockWindowMs ?? options.quickUnlockWindowMs ?? QUICK_UNLOCK_MAX_MS;
    return {
      quickUnlockWindowMs: Math.min(Math.max(windowMs, 0), QUICK_UNLOCK_MAX_MS),
      allowDegradedWithoutKeychain: (live.allowDegradedWithoutKeychain ?? options.allowDegradedWithoutKeychain) === true,
      passwordMinChars: Math.max(live.passwordMinChars ?? options.passwordMinChars ?? PASSWORD_MIN_CHARS, PASSWORD_MIN_CHARS),
    };
  };
  const root = profilesDir(dataDir);

  // One operation at a time: key files are read-modify-write and the device key is created once.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const pathsOf = (profileId: string): ProfilePaths => {
    if (!PROFILE_ID.test(profileId)) throw new CoreError('not_found', 'That staff profile does not exist on this computer.');
    return profilePaths(dataDir, profileId);
  };

  /** Spends the same scrypt work as a real attempt, so a missing profile answers like a wrong password. */
  const burnKdf = async (secret: string): Promise<never> => {
    (await scryptKey(secret, crypto.randomBytes(16), kdf)).fill(0);
    throw new CoreError('wrong_password', WRONG_PASSWORD);
  };

  const keychainWorks = async (): Promise<boolean> => (await keychain.probe()).ok;

  /** The device key for a new profile, or the unbound constant in allowed degraded mode. */
  const deviceKeyForNewProfile = async (): Promise<{ key: Buffer; binding: KeyFile['device'] }> => {
    try {
      const key = await loadOrCreateDeviceKey(keychain);
      return { key, binding: { binding: 'keychain', fingerprint: deviceFingerprint(key) } };
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'keychain_unavailable') || !settings().allowDegradedWithoutKeychain) throw err;
      if (await keychainWorks()) throw err; // the entry is bad, not the keychain: never silently downgrade
      log.warn('vault.degraded_profile', {});
      return { key: Buffer.from(UNBOUND_DEVICE_KEY), binding: { binding: 'none', fingerprint: null } };
    }
  };

  /** The device key an existing key file is bound to. */
  const deviceKeyFor = async (file: KeyFile): Promise<Buffer> => {
    if (file.device.binding === 'none') return Buffer.from(UNBOUND_DEVICE_KEY);
    const key = await loadDeviceKey(keychain);
    if (key === null || deviceFingerprint(key) !== file.device.fingerprint) {
      key?.fill(0);
      throw new CoreError('unauthorized', OTHER_DEVICE);
    }
    return key;
  };

  const slotKek = async (slot: KeySlot, secret: string, deviceKey: Buffer): Promise<Buffer> =>
    deriveKek(secret, Buffer.from(slot.kdf.salt, 'base64'), kdfParams(slot.kdf), deviceKey, slot.hkdf.info);

  const newSlot = async (
    secret: string,
    deviceKey: Buffer,
    info: string,
    aad: string,
    dbKey: Buffer,
  ): Promise<{ slot: KeySlot; kek: Buffer }> => {
    const salt = crypto.randomBytes(16);
    const kek = await deriveKek(secret, salt, kdf, deviceKey, info);
    return { slot: { kdf: kdfRecord(kdf, salt), hkdf: { hash: 'sha256', info }, box: seal(kek, dbKey, aad) }, kek };
  };

  /** A policy tightened after the PIN was set shortens its window at once. */
  const pinLive = (pin: PinSlot | null): pin is PinSlot => {
    if (pin === null) return false;
    const at = now();
    return pin.createdAt <= at && at < Math.min(pin.expiresAt, pin.createdAt + settings().quickUnlockWindowMs);
  };

  /** Reads the key file of a profile that must exist. */
  const requireKeyFile = async (paths: ProfilePaths, profileId: string): Promise<KeyFile | null> => {
    const file = await readKeyFile(paths.keyFile, profileId);
    if (file !== null) return file;
    if ((await readProfileMeta(paths.meta)) !== null) throw new CoreError('damaged_key_file', 'This staff profile’s key file is missing, so it cannot be opened. Ask IT to restore it or remove the profile.');
    return null;
  };

  /** Unwraps the database key with the password; returns the KEK too (rekey and pending keys reuse it). */
  const unwrapWithPassword = async (
    profileId: string,
    password: string,
  ): Promise<{ paths: ProfilePaths; file: KeyFile; key: Buffer; kek: Buffer }> => {
    const paths = pathsOf(profileId);
    const file = await requireKeyFile(paths, profileId);
    if (file === null) return burnKdf(password);
    const deviceKey = await deviceKeyFor(file);
    let kek: Buffer;
    try {
      kek = await slotKek(file.password, password, deviceKey);
    } finally {
      deviceKey.fill(0);
    }
    const key = open(kek, file.password.box, passwordAad(profileId));
    if (key === null || key.length !== 32) {
      kek.fill(0);
      log.warn('vault.wrong_password', { profileId });
      throw new CoreError('wrong_password', WRONG_PASSWORD);
    }
    return { paths, file, key, kek };
  };

  const readPending = async (paths: ProfilePaths, profileId: string, kek: Buffer): Promise<Buffer | null> => {
    try {
      const pending = await readKeyFile(paths.pendingKeyFile, profileId);
      if (pending === null) return null;
      const key = open(kek, pending.password.box, passwordAad(profileId));
      if (key === null) log.error('vault.pending_key_unusable', { profileId });
      return key;
    } catch (err) {
      log.error('vault.pending_key_damaged', { profileId, error: err });
      return null;
    }
  };

  const summaryOf = (meta: ProfileMeta, file: KeyFile | null): ProfileSummary => ({
    id: meta.id,
    displayName: meta.displayName,
    createdAt: meta.createdAt,
    hasPin: file !== null && pinLive(file.pin),
  });

  /** Finishes what a crash interrupted: half-created profiles and half-wiped ones are shredded. */
  let swept = false;
  const sweep = async (): Promise<void> => {
    if (swept) return;
    swept = true;
    let entries: string[];
    try {
      entries = await fs.readdir(root);
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.create-') || name.startsWith('.wipe-')) {
        log.info('vault.sweep_leftover', { kind: name.startsWith('.create-') ? 'create' : 'wipe' });
        await shredTree(`${root}/${name}`);
      }
    }
  };

  const listProfiles = async (): Promise<ProfileSummary[]> => {
    await sweep();
    let entries: string[];
    try {
      entries = await fs.readdir(root);
    } catch {
      return [];
    }
    const out: ProfileSummary[] = [];
    for (const id of entries.filter((e) => PROFILE_ID.test(e))) {
      const paths = profilePaths(dataDir, id);
      const meta = await readProfileMeta(paths.meta);
      if (meta === null || meta.id !== id) continue;
      const file = await readKeyFile(paths.keyFile, id).catch(() => null);
      out.push(summaryOf(meta, file));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  };

  const writeBody = (paths: ProfilePaths, body: KeyFile) => writeKeyFile(paths.keyFile, body);

  const wipeOne = async (profileId: string): Promise<void> => {
    const paths = pathsOf(profileId);
    // Crypto-erase first: without the key files the rest is ciphertext nobody can open.
    await shredFile(paths.pendingKeyFile);
    await shredFile(paths.keyFile);
    await shredFile(paths.meta);
    await fsyncDir(paths.dir).catch(() => undefined);
    const doomed = wipingDir(dataDir, profileId, crypto.randomBytes(4).toString('hex'));
    try {
      await fs.rename(paths.dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await fsyncDir(root).catch(() => undefined);
    await shredTree(doomed);
  };

  return {
    paths: pathsOf,

    async protection() {
      if (await keychainWorks()) return 'keychain';
      return settings().allowDegradedWithoutKeychain ? 'degraded' : 'unavailable';
    },

    listProfiles: () => serial(listProfiles),

    createProfile: (displayName, password, initStore) =>
      serial(async () => {
        const name = cleanDisplayName(displayName);
        if (name === null) throw new CoreError('invalid_request', 'Choose a display name of 1 to 64 letters, digits or spaces.');
        const verdict = checkPassword(password, settings().passwordMinChars);
        if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
        await sweep();
        const existing = await listProfiles();
        if (existing.some((p) => p.displayName.toLocaleLowerCase() === name.toLocaleLowerCase())) {
          throw new CoreError('conflict', 'A staff profile with that name already exists on this computer. Choose another name.');
        }
        // Fail closed before anything touches the disk.
        const device = await deviceKeyForNewProfile();
        const profileId = crypto.randomUUID();
        const key = crypto.randomBytes(32);
        let kek: Buffer | undefined;
        try {
          const made = await newSlot(password, device.key, passwordInfo(profileId), passwordAad(profileId), key);
          kek = made.kek;
          const body: KeyFile = { version: KEY_FILE_VERSION, profileId, device: device.binding, password: made.slot, pin: null };
          const meta: ProfileMeta = { formatVersion: PROFILE_FORMAT_VERSION, id: profileId, displayName: name, createdAt: now() };
          // Built in a dot-folder and renamed into place, so a crash never leaves half a profile listed.
          await fs.mkdir(root, { recursive: true, mode: 0o700 });
          const staging = creatingDir(dataDir, profileId);
          await fs.mkdir(staging, { mode: 0o700 });
          const staged = profilePaths(dataDir, profileId, staging);
          await writeKeyFile(staged.keyFile, body);
          await initStore?.(staged, key);
          await writeFileAtomic(staged.meta, `${JSON.stringify(meta, null, 1)}\n`);
          const paths = profilePaths(dataDir, profileId);
          await fs.rename(staging, paths.dir);
          await fsyncDir(root);
          log.info('vault.profile_created', { profileId, binding: device.binding.binding });
          return { profile: summaryOf(meta, body), unwrapped: { profileId, key, pendingKey: null, paths } };
        } catch (err) {
          key.fill(0);
          await shredTree(creatingDir(dataDir, profileId)).catch(() => undefined);
          throw err;
        } finally {
          kek?.fill(0);
          device.key.fill(0);
        }
      }),

    openProfile: (profileId, password) =>
      serial(async () => {
        if (!PROFILE_ID.test(profileId)) return burnKdf(password);
        const { paths, file, key, kek } = await unwrapWithPassword(profileId, password);
        try {
          const pendingKey = await readPending(paths, profileId, kek);
          if (file.pin !== null && !pinLive(file.pin)) {
            await writeBody(paths, { ...file, pin: null });
            log.info('vault.pin_expired', { profileId });
          }
          log.info('vault.opened', { profileId, method: 'password' });
          return { profileId, key, pendingKey, paths };
        } finally {
          kek.fill(0);
        }
      }),

    verifyPassword: (profileId, password) =>
      serial(async () => {
        if (!PROFILE_ID.test(profileId)) return burnKdf(password);
        const { key, kek } = await unwrapWithPassword(profileId, password);
        key.fill(0);
        kek.fill(0);
      }),

    unlockWithPin: (profileId, pin) =>
      serial(async () => {
        const paths = pathsOf(profileId);
        const file = await requireKeyFile(paths, profileId);
        if (file === null || file.pin === null) throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
        if (!pinLive(file.pin)) {
          await writeBody(paths, { ...file, pin: null });
          log.info('vault.pin_expired', { profileId });
          throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
        }
        if ((await readKeyFile(paths.pendingKeyFile, profileId).catch(() => null)) !== null) {
          throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
        }
        const slot = file.pin;
        // Count the attempt on disk before trying it, so killing the process mid-try does not reset the count.
        const attempts = slot.failedCount + 1;
        await writeBody(paths, { ...file, pin: { ...slot, failedCount: attempts } });
        const deviceKey = await deviceKeyFor(file);
        let key: Buffer | null;
        try {
          const kek = await slotKek(slot, pin, deviceKey);
          key = open(kek, slot.box, pinAad(profileId, slot.createdAt, slot.expiresAt));
          kek.fill(0);
        } finally {
          deviceKey.fill(0);
        }
        if (key === null) {
          if (attempts >= MAX_PIN_ATTEMPTS) {
            await writeBody(paths, { ...file, pin: null });
            log.warn('vault.pin_locked_out', { profileId });
            throw new CoreError('pin_locked_out', PIN_LOCKED);
          }
          log.warn('vault.wrong_pin', { profileId, attempts });
          throw new CoreError('wrong_pin', WRONG_PIN);
        }
        await writeBody(paths, { ...file, pin: { ...slot, failedCount: 0 } });
        log.info('vault.opened', { profileId, method: 'pin' });
        return { profileId, key, pendingKey: null, paths };
      }),

    setPin: (profileId, pin, key) =>
      serial(async () => {
        const verdict = checkPin(pin);
        if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
        const window = settings().quickUnlockWindowMs;
        if (window === 0) throw new CoreError('unsupported', 'Quick unlock is switched off on this computer.');
        const paths = pathsOf(profileId);
        const file = await requireKeyFile(paths, profileId);
        if (file === null) throw new CoreError('not_found', 'That staff profile does not exist on this computer.');
        const deviceKey = await deviceKeyFor(file);
        const createdAt = now();
        const expiresAt = createdAt + window;
        try {
          const made = await newSlot(pin, deviceKey, pinInfo(profileId), pinAad(profileId, createdAt, expiresAt), key);
          made.kek.fill(0);
          await writeBody(paths, { ...file, pin: { ...made.slot, createdAt, expiresAt, failedCount: 0 } });
        } finally {
          deviceKey.fill(0);
        }
        log.info('vault.pin_set', { profileId });
        return { expiresAt };
      }),

    removePin: (profileId) =>
      serial(async () => {
        const paths = pathsOf(profileId);
        const file = await requireKeyFile(paths, profileId);
        if (file?.pin) await writeBody(paths, { ...file, pin: null });
      }),

    changePassword: (profileId, oldPassword, newPassword) =>
      serial(async () => {
        const verdict = checkPassword(newPassword, settings().passwordMinChars);
        if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
        if (!PROFILE_ID.test(profileId)) return burnKdf(oldPassword);
        const { paths, file, key, kek } = await unwrapWithPassword(profileId, oldPassword);
        const pending = await readPending(paths, profileId, kek);
        kek.fill(0);
        const deviceKey = await deviceKeyFor(file);
        try {
          // Same database key, new wrap: messages are not re-encrypted.
          const made = await newSlot(newPassword, deviceKey, passwordInfo(profileId), passwordAad(profileId), key);
          if (pending) {
            const pendingBox = seal(made.kek, pending, passwordAad(profileId));
            await writeKeyFile(paths.pendingKeyFile, { ...file, password: { ...made.slot, box: pendingBox }, pin: null });
          }
          made.kek.fill(0);
          await writeBody(paths, { ...file, password: made.slot });
        } finally {
          deviceKey.fill(0);
          key.fill(0);
          pending?.fill(0);
        }
        log.info('vault.password_changed', { profileId });
      }),

    rekey: (profileId, password, store) =>
      serial(async () => {
        const { paths, file, key, kek } = await unwrapWithPassword(profileId, password);
        key.fill(0);
        const next = crypto.randomBytes(32);
        try {
          // 1. The new key, wrapped, goes to key.next.json; key.json (old key) stays in place.
          //    A crash from here on leaves both keys on disk and the store under exactly one of them.
          //    The PIN slot is dropped: it wraps the old key and cannot be re-wrapped without the PIN.
          const pendingBody: KeyFile = { ...file, password: { ...file.password, box: seal(kek, next, passwordAad(profileId)) }, pin: null };
          await writeKeyFile(paths.pendingKeyFile, pendingBody);
          // 2. The store re-encrypts under the new key in one transaction.
          try {
            await store.rekey(next);
          } catch (err) {
            await fs.rm(paths.pendingKeyFile, { force: true });
            throw err;
          }
          // 3. Only now does the new key file replace the old one (atomic rename).
          await fs.rename(paths.pendingKeyFile, paths.keyFile);
          await fsyncDir(paths.dir);
          log.info('vault.rekeyed', { profileId });
          return next;
        } catch (err) {
          next.fill(0);
          throw err;
        } finally {
          kek.fill(0);
        }
      }),

    settlePendingKey: (profileId, kept) =>
      serial(async () => {
        const paths = pathsOf(profileId);
        if (kept === 'pending') await fs.rename(paths.pendingKeyFile, paths.keyFile);
        else await shredFile(paths.pendingKeyFile);
        await fsyncDir(paths.dir);
        log.warn('vault.interrupted_rekey_settled', { profileId, kept });
      }),

    wipeProfile: (profileId) =>
      serial(async () => {
        await wipeOne(profileId);
        log.warn('vault.profile_wiped', { profileId });
      }),

    wipeDevice: () =>
      serial(async () => {
        let entries: string[] = [];
        try {
          entries = await fs.readdir(root);
        } catch {
          // nothing on disk
        }
        for (const id of entries.filter((e) => PROFILE_ID.test(e))) await wipeOne(id);
        await shredTree(root);
        // Last, the device key and any other Sealwire entries: after this no backup of the folder opens.
        let failure: unknown = null;
        try {
          for (const account of await keychain.accounts()) await keychain.delete(account);
          if ((await keychain.accounts()).length > 0) failure = new Error('keychain entries remain');
        } catch (err) {
          failure = err;
        }
        if (failure !== null) {
          log.error('vault.device_wipe_keychain_failed', { error: failure });
          throw keychainUnavailable(failure);
        }
        log.warn('vault.device_wiped', {});
      }),
  };
}
