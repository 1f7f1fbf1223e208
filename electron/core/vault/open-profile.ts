import { CoreError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { RekeyableStore, UnwrappedProfile, Vault } from './vault.ts';

/** What the holder needs from the store layer (electron/core/store): open with a raw key, rekey, close. */
export interface VaultStore extends RekeyableStore {
  close(): void | Promise<void>;
}

export interface StoreOpenOptions {
  readonly file: string;
  readonly key: Buffer;
  readonly attachmentsDir: string;
  /** Only while creating a profile; an existing profile whose store is missing is an error, not a fresh start. */
  readonly create: boolean;
  /**
   * True when the key came from an authenticated unwrap, so a store that does not decrypt is damaged.
   * False while settling an interrupted rekey, where trying the other key is expected.
   */
  readonly keyVerified: boolean;
}

export type StoreOpener<S extends VaultStore> = (options: StoreOpenOptions) => S | Promise<S>;

export interface OpenProfile<S extends VaultStore> {
  readonly profileId: string;
  readonly store: S;
  readonly attachmentsDir: string;
}

/**
 * The one staff profile currently open on this workstation. Opening another profile closes the
 * first (switching user); the session layer drives lock and unlock through this holder.
 */
export interface ProfileHolder<S extends VaultStore> {
  /** The open profile, or CoreError('locked') when none is open. */
  require(): OpenProfile<S>;
  current(): OpenProfile<S> | null;
  openWithPassword(profileId: string, password: string): Promise<OpenProfile<S>>;
  unlockWithPin(profileId: string, pin: string): Promise<OpenProfile<S>>;
  create(displayName: string, password: string): Promise<OpenProfile<S>>;
  setPin(pin: string): Promise<{ expiresAt: number }>;
  rekey(password: string): Promise<void>;
  /**
   * Closes the store and zeroes the key. Safe to call when nothing is open. With `onlyProfileId`,
   * closes only if that profile is still the open one when the close runs (a session ending must
   * not close the profile of the next staff member who already signed in).
   */
  close(onlyProfileId?: string): Promise<void>;
  /** Wipes a profile, closing it first if it is the open one. */
  wipe(profileId: string): Promise<void>;
  wipeDevice(): Promise<void>;
}

const LOCKED = 'Sealwire is locked. Sign in to continue.';

export function createProfileHolder<S extends VaultStore>(deps: {
  vault: Vault;
  openStore: StoreOpener<S>;
  log: Logger;
}): ProfileHolder<S> {
  const { vault, openStore, log } = deps;
  let open: { view: OpenProfile<S>; key: Buffer } | null = null;
  // Opening, closing and rekeying never interleave (two clicks on "Sign in" open one store, not two).
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const close = async (): Promise<void> => {
    const was = open;
    open = null;
    if (was === null) return;
    try {
      await was.view.store.close();
    } finally {
      was.key.fill(0);
      log.info('vault.closed', { profileId: was.view.profileId });
    }
  };

  /**
   * Opens the store with the unwrapped key. After an interrupted rekey the store is under one of
   * two keys; whichever opens it is kept and the other discarded.
   */
  const adopt = async (unwrapped: UnwrappedProfile): Promise<OpenProfile<S>> => {
    await close();
    const { profileId, key, pendingKey, paths } = unwrapped;
    const base = { file: paths.storeFile, attachmentsDir: paths.attachmentsDir, create: false };
    let store: S;
    let kept = key;
    try {
      if (pendingKey === null) {
        store = await openStore({ ...base, key, keyVerified: true });
      } else {
        try {
          store = await openStore({ ...base, key, keyVerified: false });
          await vault.settlePendingKey(profileId, 'current');
        } catch (err) {
          if (!(err instanceof CoreError && err.code === 'wrong_password')) throw err;
          store = await openStore({ ...base, key: pendingKey, keyVerified: true });
          kept = pendingKey;
          await vault.settlePendingKey(profileId, 'pending');
        }
      }
    } catch (err) {
      key.fill(0);
      pendingKey?.fill(0);
      throw err;
    }
    (kept === key ? pendingKey : key)?.fill(0);
    const view: OpenProfile<S> = { profileId, store, attachmentsDir: paths.attachmentsDir };
    open = { view, key: kept };
    return view;
  };

  const requireOpen = () => {
    if (open === null) throw new CoreError('locked', LOCKED);
    return open;
  };

  return {
    require: () => requireOpen().view,
    current: () => open?.view ?? null,
    close: (onlyProfileId) =>
      serial(async () => {
        if (onlyProfileId !== undefined && open?.view.profileId !== onlyProfileId) return;
        await close();
      }),
    openWithPassword: (profileId, password) => serial(async () => adopt(await vault.openProfile(profileId, password))),
    unlockWithPin: (profileId, pin) => serial(async () => adopt(await vault.unlockWithPin(profileId, pin))),
    create: (displayName, password) =>
      serial(async () => {
        const initStore = async (staged: { storeFile: string; attachmentsDir: string }, key: Buffer) => {
          const store = await openStore({ file: staged.storeFile, attachmentsDir: staged.attachmentsDir, key, create: true, keyVerified: true });
          await store.close();
        };
        return adopt((await vault.createProfile(displayName, password, initStore)).unwrapped);
      }),
    setPin: async (pin) => {
      const { view, key } = requireOpen();
      return vault.setPin(view.profileId, pin, key);
    },
    rekey: (password) =>
      serial(async () => {
        const current = requireOpen();
        const next = await vault.rekey(current.view.profileId, password, current.view.store);
        current.key.fill(0);
        open = { view: current.view, key: next };
      }),
    wipe: (profileId) =>
      serial(async () => {
        if (open?.view.profileId === profileId) await close();
        await vault.wipeProfile(profileId);
      }),
    wipeDevice: () =>
      serial(async () => {
        await close();
        await vault.wipeDevice();
      }),
  };
}
