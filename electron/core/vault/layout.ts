import path from 'node:path';
import { PROFILE_META_FILE, profileDir, profilesDir } from '../paths.ts';

/** Files of one staff profile. The store and attachments layers use these names too. */
export interface ProfilePaths {
  readonly dir: string;
  /** PHI-free metadata: id, display name, created time, format version. */
  readonly meta: string;
  /** The wrapped database key (never the key itself). */
  readonly keyFile: string;
  /** A wrapped new key during a rekey; promoted to keyFile once the store rekey committed. */
  readonly pendingKeyFile: string;
  readonly storeFile: string;
  readonly attachmentsDir: string;
}

export const KEY_FILE = 'key.json';
export const PENDING_KEY_FILE = 'key.next.json';
export const STORE_FILE = 'store.db';
export const ATTACHMENTS_DIR = 'attachments';

/** Profile ids are UUIDs we generate; checking the shape keeps ids from ever naming a path outside profiles/. */
export const PROFILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function profilePaths(dataDir: string, profileId: string, dirOverride?: string): ProfilePaths {
  if (!PROFILE_ID.test(profileId)) throw new Error('invalid profile id');
  const dir = dirOverride ?? profileDir(dataDir, profileId);
  return {
    dir,
    meta: path.join(dir, PROFILE_META_FILE),
    keyFile: path.join(dir, KEY_FILE),
    pendingKeyFile: path.join(dir, PENDING_KEY_FILE),
    storeFile: path.join(dir, STORE_FILE),
    attachmentsDir: path.join(dir, ATTACHMENTS_DIR),
  };
}

/** Work folders (a profile being created or wiped) start with a dot and are never listed as profiles. */
export const creatingDir = (dataDir: string, profileId: string): string => path.join(profilesDir(dataDir), `.create-${profileId}`);
export const wipingDir = (dataDir: string, profileId: string, nonce: string): string =>
  path.join(profilesDir(dataDir), `.wipe-${profileId}-${nonce}`);
