import type { Policy } from '../../../shared/contract/index.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import type { FormatMigrationEvent } from '../sqlite/encrypted-db.ts';
import { openStore, type Store } from '../store/store.ts';
import { profileHandlers } from './handlers.ts';
import { createProfileHolder, type ProfileHolder } from './open-profile.ts';
import { createVault, type Vault } from './vault.ts';

export interface VaultDomain {
  readonly vault: Vault;
  /** The open profile (store + attachments); the session layer locks and unlocks through it. */
  readonly profiles: ProfileHolder<Store>;
  readonly handlers: ReturnType<typeof profileHandlers>;
}

/** The vault as the composition root wires it: live policy limits, the real encrypted store. */
export function createVaultDomain(deps: {
  dataDir: string;
  keychain: Keychain;
  log: Logger;
  policy: () => Policy;
  /** Told when a profile's store converts to the current page format while it opens. */
  onStoreFormatMigration?: (event: FormatMigrationEvent) => void;
}): VaultDomain {
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
      };
    },
  });
  const onFormatMigration = deps.onStoreFormatMigration;
  const profiles = createProfileHolder<Store>({ vault, log, openStore: (o) => openStore({ ...o, log, ...(onFormatMigration ? { onFormatMigration } : {}) }) });
  return { vault, profiles, handlers: profileHandlers(vault, profiles) };
}
