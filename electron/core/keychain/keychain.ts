import keytar from 'keytar';
import { CoreError } from '../errors.ts';

export const KEYCHAIN_SERVICE = 'Sealwire';

export type KeychainProbe = { ok: true } | { ok: false; detail: string };

/** The OS keychain (Secret Service, Keychain, Credential Manager) as core sees it. */
export interface Keychain {
  readonly service: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  accounts(): Promise<string[]>;
  probe(): Promise<KeychainProbe>;
}

const UNAVAILABLE =
  'The system keychain is not answering, so Sealwire will not store patient information on this computer. ' +
  'On Linux, install and unlock GNOME Keyring (or another Secret Service); on Windows and macOS, sign in to the computer normally.';

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('keychain timeout')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createKeytarKeychain(service = KEYCHAIN_SERVICE, timeoutMs = 5_000): Keychain {
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(work(), timeoutMs);
    } catch (err) {
      throw new CoreError('keychain_unavailable', UNAVAILABLE, { cause: err });
    }
  };
  return {
    service,
    get: (account) => guard(() => keytar.getPassword(service, account)),
    set: (account, secret) => guard(() => keytar.setPassword(service, account, secret)),
    delete: (account) => guard(() => keytar.deletePassword(service, account)),
    accounts: () => guard(async () => (await keytar.findCredentials(service)).map((c) => c.account)),
    async probe() {
      try {
        await withTimeout(keytar.findCredentials(service), timeoutMs);
        return { ok: true };
      } catch {
        return { ok: false, detail: UNAVAILABLE };
      }
    },
  };
}
