import { keychainWorks } from './device-binding.ts';
import { burnKdf, changePassword, readPending, unwrapWithPassword } from './key-slots.ts';
import { PROFILE_ID } from './layout.ts';
import { createProfileFolders } from './profile-folders.ts';
import { createQuickUnlock, removeDiskPin } from './quick-unlock.ts';
import { rekey, settlePendingKey } from './rekey.ts';
import { vaultContext } from './vault-context.ts';
import type { Vault, VaultOptions } from './vault-types.ts';

export { QUICK_UNLOCK_MAX_MS } from './vault-context.ts';
export { MAX_PIN_ATTEMPTS } from './quick-unlock.ts';
export type {
  ProfileSummary,
  RekeyableStore,
  UnwrappedProfile,
  Vault,
  VaultOptions,
  VaultProtection,
  VaultSettings,
} from './vault-types.ts';

/**
 * The key vault of this computer's staff profiles. The work lives in one module per concern
 * (device binding, key slots, quick unlock, profile folders, rekey); this file composes them and
 * runs one operation at a time, because key files are read-modify-write and the device key is
 * created once.
 */
export function createVault(options: VaultOptions): Vault {
  const ctx = vaultContext(options);
  const { log } = ctx;
  const quick = createQuickUnlock(ctx);
  const folders = createProfileFolders(ctx, quick.has);

  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  return {
    paths: ctx.pathsOf,

    async protection() {
      if (await keychainWorks(ctx)) return 'keychain';
      return ctx.settings().allowDegradedWithoutKeychain ? 'degraded' : 'unavailable';
    },

    listProfiles: () => serial(folders.list),
    createProfile: (displayName, password, initStore) => serial(() => folders.create(displayName, password, initStore)),

    openProfile: (profileId, password) =>
      serial(async () => {
        if (!PROFILE_ID.test(profileId)) return burnKdf(ctx, password);
        const { paths, file, key, kek } = await unwrapWithPassword(ctx, profileId, password);
        try {
          const pendingKey = await readPending(ctx, paths, profileId, kek);
          await removeDiskPin(ctx, paths, file, profileId);
          log.info('vault.opened', { profileId, method: 'password' });
          return { profileId, key, pendingKey, paths };
        } finally {
          kek.fill(0);
        }
      }),

    verifyPassword: (profileId, password) =>
      serial(async () => {
        if (!PROFILE_ID.test(profileId)) return burnKdf(ctx, password);
        const { key, kek } = await unwrapWithPassword(ctx, profileId, password);
        key.fill(0);
        kek.fill(0);
      }),

    unlockWithPin: (profileId, pin) => serial(() => quick.unlock(profileId, pin)),
    setPin: (profileId, pin, key) => serial(() => quick.set(profileId, pin, key)),
    removePin: (profileId) => serial(async () => quick.drop(profileId)),
    dropQuickUnlock: (profileId) => quick.drop(profileId),
    hasQuickUnlock: (profileId) => quick.has(profileId),
    // A PIN slot wraps the key under the old secret's session: a new password or key ends it.
    changePassword: (profileId, oldPassword, newPassword) =>
      serial(async () => {
        await changePassword(ctx, profileId, oldPassword, newPassword);
        quick.drop(profileId);
      }),
    rekey: (profileId, password, store) =>
      serial(async () => {
        const next = await rekey(ctx, profileId, password, store);
        quick.drop(profileId);
        return next;
      }),
    settlePendingKey: (profileId, kept) => serial(() => settlePendingKey(ctx, profileId, kept)),

    wipeProfile: (profileId) =>
      serial(async () => {
        quick.drop(profileId);
        await folders.wipe(profileId);
        log.warn('vault.profile_wiped', { profileId });
      }),
    wipeDevice: () =>
      serial(async () => {
        quick.dropAll();
        await folders.wipeDevice();
      }),
  };
}

