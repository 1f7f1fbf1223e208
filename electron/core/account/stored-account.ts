import type { Store } from '../store/store.ts';
import type { OrganisationServer } from './server.ts';

/** Kept inside the encrypted store: the account this profile signs in to. */
const ACCOUNT_SETTING = 'account.v1';

export interface StoredAccount {
  readonly username: string;
  /** Needed to sign in again after a dropped connection; it never leaves the encrypted store. */
  readonly password: string;
  readonly server: OrganisationServer;
}

export function readAccount(store: Store): StoredAccount | null {
  const raw = store.getSetting(ACCOUNT_SETTING);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as StoredAccount;
  } catch {
    return null;
  }
}

export function writeAccount(store: Store, account: StoredAccount): void {
  store.setSetting(ACCOUNT_SETTING, JSON.stringify(account));
}
