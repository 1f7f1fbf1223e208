import Database from 'better-sqlite3-multiple-ciphers';
import { keyDatabase, rawKeyPragma } from '../../electron/core/sqlite/encrypted-db.ts';

/**
 * Rewrites a current-format store as the previous version wrote it (SQLCipher 4 pages, raw key),
 * so the in-place migration can be tested on a real file of the old format.
 */
export function toLegacySqlcipher(file: string, key: Buffer): void {
  const db = new Database(file);
  try {
    keyDatabase(db, key);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(rawKeyPragma('rekey', key));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** True when the file opens with the given page format alone (probe a copy: opening may checkpoint). */
export function opensAs(file: string, key: Buffer, format: 'aegis-256' | 'sqlcipher-4'): boolean {
  const db = new Database(file, { fileMustExist: true });
  try {
    keyDatabase(db, key, format);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}
