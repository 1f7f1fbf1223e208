import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';
import { loadDeviceKey } from '../vault/device-key.ts';
import type { LimiterSnapshot, SignInLimiter } from './limiter.ts';

/** The keychain entry that holds the second, monotonic copy of the counters. */
export const ATTEMPTS_ACCOUNT = 'sign-in-attempts';

interface Counters {
  readonly profile: LimiterSnapshot;
  readonly device: LimiterSnapshot;
}

export interface AttemptsStore {
  /** Merges the saved counters into `limiter`, keeping the stricter of the file and the keychain copy. */
  load(limiter: SignInLimiter): Promise<void>;
  /** Writes the counters as they are now to both copies; writes run in order, failures are logged. */
  save(limiter: SignInLimiter): Promise<void>;
}

/**
 * Sign-in counters that survive a restart and cannot be reset by editing or deleting a file: the
 * file carries an HMAC under a key derived from the device key (in the OS keychain), and a second
 * copy lives in the keychain itself. On load both are merged into the limiter, each entry taking
 * the stricter value, so a deleted, rolled-back or edited file can only ever make limits stricter.
 */
export function createAttemptsStore(deps: { dataDir: string; keychain: Keychain; log: Logger }): AttemptsStore {
  const { keychain, log } = deps;
  const file = path.join(deps.dataDir, 'session', 'attempts.json');
  let macKey: Buffer | null = null;
  const keyForMac = async (): Promise<Buffer | null> => {
    if (macKey !== null) return macKey;
    const deviceKey = await loadDeviceKey(keychain).catch(() => null);
    if (deviceKey === null) return null;
    macKey = crypto.createHmac('sha256', deviceKey).update('sealwire sign-in attempts v1').digest();
    deviceKey.fill(0);
    return macKey;
  };
  const macOf = (key: Buffer, body: string) => crypto.createHmac('sha256', key).update(body).digest('hex');

  const fromFile = async (): Promise<Counters | null> => {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('session.attempts_unreadable', { error: err });
      return null;
    }
    try {
      const saved = JSON.parse(raw) as { counters?: unknown; mac?: unknown };
      const key = await keyForMac();
      const body = JSON.stringify(saved.counters);
      const expected = key === null ? null : Buffer.from(macOf(key, body), 'hex');
      const given = typeof saved.mac === 'string' ? Buffer.from(saved.mac, 'hex') : Buffer.alloc(0);
      if (expected === null || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        log.warn('session.attempts_tampered', { reason: expected === null ? 'no_key' : 'bad_mac' });
        return null;
      }
      return counters(saved.counters);
    } catch (err) {
      log.warn('session.attempts_unreadable', { error: err });
      return null;
    }
  };
  const fromKeychain = async (): Promise<Counters | null> => {
    try {
      const raw = await keychain.get(ATTEMPTS_ACCOUNT);
      return raw === null ? null : counters(JSON.parse(raw));
    } catch (err) {
      log.warn('session.attempts_keychain_unreadable', { error: err });
      return null;
    }
  };

  let writes: Promise<void> = Promise.resolve();
  return {
    async load(limiter) {
      for (const saved of [await fromFile(), await fromKeychain()]) {
        if (saved === null) continue;
        limiter.profile.mergeStricter(saved.profile);
        limiter.device.mergeStricter(saved.device);
      }
    },
    save(limiter) {
      const snapshot: Counters = { profile: limiter.profile.snapshot(), device: limiter.device.snapshot() };
      writes = writes.then(async () => {
        const body = JSON.stringify(snapshot);
        try {
          await keychain.set(ATTEMPTS_ACCOUNT, body);
        } catch (err) {
          log.warn('session.attempts_keychain_not_saved', { error: err });
        }
        try {
          const key = await keyForMac();
          await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
          await writeFileAtomic(file, JSON.stringify({ counters: snapshot, mac: key === null ? null : macOf(key, body) }));
        } catch (err) {
          log.warn('session.attempts_not_saved', { error: err });
        }
      });
      return writes;
    },
  };
}

function counters(value: unknown): Counters | null {
  if (value === null || typeof value !== 'object') return null;
  const { profile, device } = value as { profile?: unknown; device?: unknown };
  const snapshot = (s: unknown): LimiterSnapshot => (s !== null && typeof s === 'object' ? (s as LimiterSnapshot) : {});
  return { profile: snapshot(profile), device: snapshot(device) };
}
