import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { profilesDir } from '../paths.ts';
import { CoreError } from '../errors.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from './kdf.ts';
import { PROFILE_ID, profilePaths, type ProfilePaths } from './layout.ts';
import { PASSWORD_MIN_CHARS, PIN_MIN_DIGITS } from './secret-rules.ts';
import type { VaultOptions, VaultSettings } from './vault-types.ts';

export const QUICK_UNLOCK_MAX_MS = 12 * 60 * 60 * 1000;

/** What every vault module shares: where profiles live, the keychain, the clock and live policy. */
export interface VaultContext {
  readonly dataDir: string;
  /** dataDir/profiles */
  readonly root: string;
  readonly keychain: Keychain;
  readonly log: Logger;
  readonly now: () => number;
  /** scrypt parameters for new wraps. */
  readonly kdf: ScryptParams;
  settings(): VaultSettings;
  /** The paths of a profile id, or CoreError('not_found') for anything that is not one of our ids. */
  pathsOf(profileId: string): ProfilePaths;
}

export function vaultContext(options: VaultOptions): VaultContext {
  const { dataDir } = options;
  return {
    dataDir,
    root: profilesDir(dataDir),
    keychain: options.keychain,
    log: options.log,
    now: options.now ?? Date.now,
    kdf: options.kdf ?? DEFAULT_SCRYPT,
    settings: () => {
      const live = options.settings?.() ?? {};
      const windowMs = live.quickUnlockWindowMs ?? options.quickUnlockWindowMs ?? QUICK_UNLOCK_MAX_MS;
      return {
        quickUnlockWindowMs: Math.min(Math.max(windowMs, 0), QUICK_UNLOCK_MAX_MS),
        allowDegradedWithoutKeychain: (live.allowDegradedWithoutKeychain ?? options.allowDegradedWithoutKeychain) === true,
        passwordMinChars: Math.max(live.passwordMinChars ?? options.passwordMinChars ?? PASSWORD_MIN_CHARS, PASSWORD_MIN_CHARS),
        pinMinDigits: Math.max(live.pinMinDigits ?? options.pinMinDigits ?? PIN_MIN_DIGITS, PIN_MIN_DIGITS),
      };
    },
    pathsOf: (profileId) => {
      if (!PROFILE_ID.test(profileId)) throw new CoreError('not_found', 'That staff profile does not exist on this computer.');
      return profilePaths(dataDir, profileId);
    },
  };
}
