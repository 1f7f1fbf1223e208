import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { AuditVerifyResult, DeviceEvidence, EffectivePolicy } from '../../../shared/contract/index.ts';
import type { Keychain } from '../keychain/keychain.ts';
import { profilesDir } from '../paths.ts';
import { DEVICE_KEY_ACCOUNT } from '../vault/device-key.ts';
import { PROFILE_ID, STORE_FILE } from '../vault/layout.ts';

export interface DeviceEvidenceDeps {
  readonly appVersion: string;
  readonly runtime: DeviceEvidence['machine']['runtime'];
  readonly dataDir: string;
  readonly keychain: Keychain;
  /** The same verification an administrator gets from audit.verify (chain, head, trail problems). */
  readonly verify: () => Promise<AuditVerifyResult>;
  readonly policy: () => EffectivePolicy;
  readonly now: () => number;
}

const SQLITE_PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Whether a store file keeps its content to itself: no plaintext SQLite header, and SQLite without
 * a key cannot read its schema. Opened read-only, so the probe never changes the file.
 */
export function probeStoreFile(file: string): DeviceEvidence['stores'][number]['result'] {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(16);
      fs.readSync(fd, head, 0, 16, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 'missing';
  }
  if (head.equals(SQLITE_PLAINTEXT_HEADER)) return 'opens_without_key';
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return 'opens_without_key';
  } catch {
    return 'encrypted';
  } finally {
    db?.close();
  }
}

function storeFiles(dataDir: string): Array<{ profileId: string; file: string }> {
  let ids: string[];
  try {
    ids = fs.readdirSync(profilesDir(dataDir));
  } catch {
    return [];
  }
  // Dot-folders are profiles being created or wiped; ids are our own UUIDs, never names.
  return ids
    .filter((id) => PROFILE_ID.test(id))
    .sort()
    .map((profileId) => ({ profileId, file: path.join(profilesDir(dataDir), profileId, STORE_FILE) }));
}

/** The device-side checks of the compliance evidence report, run on this workstation now. */
export async function collectDeviceEvidence(deps: DeviceEvidenceDeps): Promise<DeviceEvidence> {
  const [probe, verified] = await Promise.all([deps.keychain.probe(), deps.verify()]);
  let deviceKey = false;
  if (probe.ok) deviceKey = (await deps.keychain.get(DEVICE_KEY_ACCOUNT).catch(() => null)) !== null;
  const effective = deps.policy();
  return {
    checkedAt: deps.now(),
    appVersion: deps.appVersion,
    machine: {
      hostname: os.hostname().slice(0, 255),
      os: `${os.type()} ${os.release()} (${os.version()})`.slice(0, 200),
      arch: os.arch(),
      runtime: deps.runtime,
    },
    audit: verified.ok
      ? { ok: true, count: verified.count, problems: [] }
      : { ok: false, count: null, problems: verified.problems.slice(0, 100) },
    policy: {
      // Policy values are limits and switches, never PHI; lists (MIME types) read as JSON.
      values: Object.entries(effective.values).map(([key, value]) => ({
        key,
        value: JSON.stringify(value).slice(0, 2000),
        source: effective.sources[key] ?? 'default',
      })),
      refused: effective.refused.slice(0, 100).map(({ key, source }) => ({ key, source })),
    },
    keychain: { state: probe.ok ? 'available' : 'unavailable', deviceKey, detail: probe.ok ? null : probe.detail.slice(0, 300) },
    stores: storeFiles(deps.dataDir).map(({ profileId, file }) => ({ profileId, result: probeStoreFile(file) })),
  };
}
