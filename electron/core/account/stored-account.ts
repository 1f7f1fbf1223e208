import type { Credentials } from '../messaging/server-config.ts';
import type { ScramKeys } from '../messaging/scram.ts';
import type { Store } from '../store/store.ts';
import type { OrganisationServer } from './server.ts';

/** Kept inside the encrypted store: the account this profile signs in to. */
const ACCOUNT_SETTING = 'account.v1';

export interface StoredAccount {
  readonly username: string;
  readonly server: OrganisationServer;
  /**
   * What signing in again after a dropped connection or a restart needs: the SCRAM keys from the
   * last password sign-in. They cannot be turned back into the password, which also unlocks the
   * vault, so reading the store does not hand it over.
   */
  readonly scram?: ScramKeys;
  /**
   * Only in accounts stored before SCRAM keys were kept (replaced by `scram` at the next
   * connection), and for servers that offer nothing but PLAIN (policy must allow it).
   */
  readonly password?: string;
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

/** The account with these SCRAM keys in place of any stored password. */
export function withScramKeys(account: StoredAccount, keys: ScramKeys): StoredAccount {
  return { username: account.username, server: account.server, scram: keys };
}

/** How messaging signs in for this account; null when nothing usable is stored. */
export function credentialsOf(account: StoredAccount): Credentials | null {
  if (account.scram !== undefined) return { username: account.username, scram: account.scram };
  if (account.password !== undefined) return { username: account.username, password: account.password };
  return null;
}
