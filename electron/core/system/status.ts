import fs from 'node:fs/promises';
import path from 'node:path';
import type { SystemStatus } from '../../../shared/contract/index.ts';
import type { Keychain } from '../keychain/keychain.ts';
import { PROFILE_META_FILE, profilesDir } from '../paths.ts';

export interface StatusDeps {
  readonly appVersion: string;
  readonly dataDir: string;
  readonly keychain: Keychain;
  readonly runtime: SystemStatus['runtime'];
  readonly now?: () => number;
}

async function countProfiles(dataDir: string): Promise<number> {
  let entries: string[];
  try {
    entries = await fs.readdir(profilesDir(dataDir));
  } catch {
    return 0;
  }
  // Dot-folders are profiles being created or wiped; they do not count until renamed into place.
  const present = await Promise.all(
    entries.filter((id) => !id.startsWith('.')).map((id) =>
      fs.stat(path.join(profilesDir(dataDir), id, PROFILE_META_FILE)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return present.filter(Boolean).length;
}

/** Computed from the real keychain and the real data folder on every call; nothing cached. */
export async function readSystemStatus(deps: StatusDeps): Promise<SystemStatus> {
  const [probe, profileCount] = await Promise.all([deps.keychain.probe(), countProfiles(deps.dataDir)]);
  return {
    appVersion: deps.appVersion,
    keychain: probe.ok ? 'available' : 'unavailable',
    keychainDetail: probe.ok ? null : probe.detail,
    storeExists: profileCount > 0,
    profileCount,
    runtime: deps.runtime,
    platform: process.platform,
    checkedAt: (deps.now ?? Date.now)(),
  };
}
