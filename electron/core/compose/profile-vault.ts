import type { Policy } from '../../../shared/contract/index.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import type { FormatMigrationEvent } from '../sqlite/encrypted-db.ts';
import { openStore, type Store } from '../store/store.ts';
import { createProfileHolder, type ProfileHolder } from '../vault/open-profile.ts';
import { createVault, type Vault } from '../vault/vault.ts';

export interface ProfileVault {
  readonly vault: Vault;
  /** The open profile (store + attachments); the session layer locks and unlocks through it. */
  readonly profiles: ProfileHolder<Store>;
}

/** The vault with live policy limits, opening the real encrypted store. */
export function createProfileVault(deps: {
  dataDir: string;
  keychain: Keychain;
  log: Logger;
  policy: () => Policy;
  /** Told when a profile's store converts to the current page format while it opens. */
  onStoreFormatMigration?: (event: FormatMigrationEvent) => void;
}): ProfileVault {
  const { log } = deps;
  const vault = createVault({
    dataDir: deps.dataDir,
    keychain: deps.keychain,
    log,
    settings: () => {
      const p = deps.policy();
      return {
        quickUnlockWindowMs: p.quickUnlockHours * 60 * 60 * 1000,
        allowDegradedWithoutKeychain: p.allowDegradedWithoutKeychain,
        passwordMinChars: p.minPasswordLength,
        pinMinDigits: p.minPinLength,
      };
    },
  });
  const onFormatMigration = deps.onStoreFormatMigration;
  const profiles = createProfileHolder<Store>({ vault, log, openStore: (o) => openStore({ ...o, log, ...(onFormatMigration ? { onFormatMigration } : {}) }) });
  return { vault, profiles };
}
