import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { CoreError } from '../errors.ts';
import { fsyncDir, writeFileAtomic } from './atomic-write.ts';
import { deviceKeyForNewProfile } from './device-binding.ts';
import { keychainUnavailable } from './device-key.ts';
import { KEY_FILE_VERSION, passwordAad, passwordInfo, readKeyFile, writeKeyFile, type KeyFile } from './key-file.ts';
import { newSlot } from './key-slots.ts';
import { removeDiskPin } from './quick-unlock.ts';
import { creatingDir, PROFILE_ID, profilePaths, wipingDir, type ProfilePaths } from './layout.ts';
import { cleanDisplayName, PROFILE_FORMAT_VERSION, readProfileMeta, type ProfileMeta } from './profile-meta.ts';
import { checkPassword } from './secret-rules.ts';
import type { VaultContext } from './vault-context.ts';
import type { ProfileSummary, UnwrappedProfile } from './vault-types.ts';
import { shredFile, shredTree } from './wipe.ts';

export interface ProfileFolders {
  list(): Promise<ProfileSummary[]>;
  create(
    displayName: string,
    password: string,
    initStore?: (staged: ProfilePaths, key: Buffer) => Promise<void>,
  ): Promise<{ profile: ProfileSummary; unwrapped: UnwrappedProfile }>;
  wipe(profileId: string): Promise<void>;
  wipeDevice(): Promise<void>;
}

/**
 * The profiles/ folder: listing, creating (staged in a dot-folder and renamed into place) and
 * wiping (crypto-erase first). `hasPin` says whether a profile's quick unlock is live in this process.
 */
export function createProfileFolders(ctx: VaultContext, hasPin: (profileId: string) => boolean): ProfileFolders {
  const { dataDir, root, log } = ctx;

  const summaryOf = (meta: ProfileMeta): ProfileSummary => ({
    id: meta.id,
    displayName: meta.displayName,
    createdAt: meta.createdAt,
    hasPin: hasPin(meta.id),
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

  const list = async (): Promise<ProfileSummary[]> => {
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
      if (file !== null) await removeDiskPin(ctx, paths, file, id).catch((err: unknown) => log.error('vault.disk_pin_not_removed', { profileId: id, error: err }));
      out.push(summaryOf(meta));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  };

  const create: ProfileFolders['create'] = async (displayName, password, initStore) => {
    const name = cleanDisplayName(displayName);
    if (name === null) throw new CoreError('invalid_request', 'Choose a display name of 1 to 64 letters, digits or spaces.');
    const verdict = checkPassword(password, ctx.settings().passwordMinChars);
    if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
    const existing = await list();
    if (existing.some((p) => p.displayName.toLocaleLowerCase() === name.toLocaleLowerCase())) {
      throw new CoreError('conflict', 'A staff profile with that name already exists on this computer. Choose another name.');
    }
    // Fail closed before anything touches the disk.
    const device = await deviceKeyForNewProfile(ctx);
    const profileId = crypto.randomUUID();
    const key = crypto.randomBytes(32);
    let kek: Buffer | undefined;
    try {
      const made = await newSlot(ctx, password, device.key, passwordInfo(profileId), passwordAad(profileId), key);
      kek = made.kek;
      const body: KeyFile = { version: KEY_FILE_VERSION, profileId, device: device.binding, password: made.slot, pin: null };
      const meta: ProfileMeta = { formatVersion: PROFILE_FORMAT_VERSION, id: profileId, displayName: name, createdAt: ctx.now() };
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
      return { profile: summaryOf(meta), unwrapped: { profileId, key, pendingKey: null, paths } };
    } catch (err) {
      key.fill(0);
      await shredTree(creatingDir(dataDir, profileId)).catch(() => undefined);
      throw err;
    } finally {
      kek?.fill(0);
      device.key.fill(0);
    }
  };

  const wipe = async (profileId: string): Promise<void> => {
    const paths = ctx.pathsOf(profileId);
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

  const wipeDevice = async (): Promise<void> => {
    let entries: string[] = [];
    try {
      entries = await fs.readdir(root);
    } catch {
      // nothing on disk
    }
    for (const id of entries.filter((e) => PROFILE_ID.test(e))) await wipe(id);
    await shredTree(root);
    // Last, the device key and any other Sealwire entries: after this no backup of the folder opens.
    let failure: unknown = null;
    try {
      for (const account of await ctx.keychain.accounts()) await ctx.keychain.delete(account);
      if ((await ctx.keychain.accounts()).length > 0) failure = new Error('keychain entries remain');
    } catch (err) {
      failure = err;
    }
    if (failure !== null) {
      log.error('vault.device_wipe_keychain_failed', { error: failure });
      throw keychainUnavailable(failure);
    }
    log.warn('vault.device_wiped', {});
  };

  return { list, create, wipe, wipeDevice };
}
