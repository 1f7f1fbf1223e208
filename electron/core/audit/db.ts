import fs from 'node:fs';
import path from 'node:path';
import { CoreError } from '../errors.ts';
import { openEncryptedDb as openVaultDb, type Db, type FormatMigrationEvent } from '../sqlite/encrypted-db.ts';

const MESSAGES = {
  wrongKey: 'The audit trail on this computer cannot be read with this device key.',
  damaged: 'The audit trail on this computer is damaged and cannot be read.',
  notFound: 'The audit trail was not found.',
};

/**
 * Opens (or creates) the audit trail through the store's encrypted opener (same page format,
 * same in-place conversion of older files, same pragmas). Returns null when the key does not
 * open the file (wrong key or not a database).
 */
export function openEncryptedDb(file: string, key: Buffer, onMigration?: (event: FormatMigrationEvent) => void): Db | null {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    return openVaultDb({ file, key, create: true, keyVerified: false, messages: MESSAGES, ...(onMigration ? { onMigration } : {}) });
  } catch (err) {
    if (err instanceof CoreError && err.code === 'wrong_password') return null;
    throw err;
  }
}
