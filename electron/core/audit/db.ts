import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';

/**
 * Opens (or creates) a SQLCipher-encrypted database with a raw 32-byte key: no KDF on open.
 * Returns null when the key does not open the file (wrong key or not a database).
 */
export function openEncryptedDb(file: string, key: Buffer): Database.Database | null {
  if (key.length !== 32) throw new Error('database key must be 32 bytes');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${key.toString('hex')}'"`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    if (isNotADatabase(err)) return null;
    throw err;
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  // Sorts and temp indexes stay in memory: no plaintext temp files.
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  return db;
}

const isNotADatabase = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_NOTADB';
