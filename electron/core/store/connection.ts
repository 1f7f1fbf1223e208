import fs from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { CoreError } from '../errors.ts';
import { migrate, readUserVersion, SCHEMA_VERSION } from './schema.ts';
import { DAMAGED, isDamage, NOT_FOUND, sqliteCode, TOO_NEW, WRONG_KEY } from './sqlite-errors.ts';

export type Db = Database.Database;

export const KEY_BYTES = 32;

/** SQLCipher raw-key syntax: the 64 hex digits are used as the key itself, so no KDF runs at open. */
export function rawKeyPragma(name: 'key' | 'rekey', key: Buffer): string {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError('store key must be 32 bytes');
  return `${name} = "x'${key.toString('hex')}'"`;
}

/** SQLCipher 4 page format (HMAC-SHA512 per page, AES-256-CBC) via SQLite3 Multiple Ciphers. */
function selectCipher(db: Db, key: Buffer | null): void {
  if (key === null) return;
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(rawKeyPragma('key', key));
}

function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  // Sorts, temp indexes and materialised views stay in memory: no plaintext temp files.
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  // Memory-mapped pages would bypass the cipher layer, so SQLite3MC does not map encrypted
  // databases; 0 says so plainly, and keeps the benchmark's plain baseline on the same footing.
  db.pragma('mmap_size = 0');
  db.pragma('busy_timeout = 5000');
}

export interface ConnectOptions {
  readonly file: string;
  /** null only for the benchmark's plain baseline. */
  readonly key: Buffer | null;
  readonly create: boolean;
  readonly keyVerified: boolean;
}

/**
 * Opens, proves the key on page 1, refuses newer stores before anything is written, then sets
 * the pragmas and migrates. Closes the handle on every failure.
 */
export function connect(options: ConnectOptions): Db {
  if (options.key !== null) rawKeyPragma('key', options.key); // validates length before touching disk
  if (!options.create && !fs.existsSync(options.file)) throw new CoreError('not_found', NOT_FOUND);
  let db: Db;
  try {
    db = new Database(options.file, { fileMustExist: !options.create });
  } catch (err) {
    if (sqliteCode(err) === 'SQLITE_CANTOPEN') throw new CoreError('not_found', NOT_FOUND, { cause: err });
    throw err;
  }
  try {
    selectCipher(db, options.key);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_NOTADB' && !options.keyVerified) {
        throw new CoreError('wrong_password', WRONG_KEY, { cause: err });
      }
      if (isDamage(err)) throw new CoreError('damaged_store', DAMAGED, { cause: err });
      throw err;
    }
    if (readUserVersion(db) > SCHEMA_VERSION) throw new CoreError('store_too_new', TOO_NEW);
    applyPragmas(db);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof CoreError) throw err;
    if (isDamage(err)) throw new CoreError('damaged_store', DAMAGED, { cause: err });
    throw err;
  }
}
