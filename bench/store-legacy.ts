import Database from 'better-sqlite3-multiple-ciphers';
import { keyDatabase, rawKeyPragma } from '../electron/core/sqlite/encrypted-db.ts';

/**
 * Rewrites a current-format file as the previous version wrote it (SQLCipher 4 pages, raw key),
 * so the in-place migration is tested and measured on a real file of the old format. With
 * `storeSchemaV1`, a profile store also gets back the indexes of schema version 1.
 */
export function toLegacySqlcipher(file: string, key: Buffer, options: { storeSchemaV1?: boolean } = {}): void {
  const db = new Database(file);
  try {
    keyDatabase(db, key);
    if (options.storeSchemaV1) {
      // Later versions' columns, tables and indexes go too, so the migrations after version 1 run for real.
      db.exec(`DROP INDEX messages_patient_tag;
        ALTER TABLE messages DROP COLUMN failure;
        ALTER TABLE messages DROP COLUMN reply_to;
        DROP INDEX IF EXISTS messages_urgent_in;
        DROP TABLE IF EXISTS acknowledgements;
        DROP INDEX IF EXISTS conversations_pinned;
        ALTER TABLE conversations DROP COLUMN pinned_at;
        CREATE INDEX messages_unread ON messages (conversation_id, sent_at, id) WHERE direction = 'in' AND state <> 'read';
        PRAGMA user_version = 1;`);
    }
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
