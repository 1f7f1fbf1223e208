/**
 * The one encrypted SQLite opener, shared by the profile stores and the audit trail.
 *
 * Pages are sqlite3mc's AEGIS-256 (a fresh random 256-bit nonce per page write and a 32-byte
 * tag), with a raw 256-bit key, so no KDF runs at open. Files written by earlier versions in the
 * SQLCipher 4 format (AES-256-CBC + HMAC-SHA512) are converted in place on first open.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyVaultPragmas, KEY_BYTES, keyDatabase, PAGE_FORMAT, selectCipher, setRawKey, type Db, type PageFormat } from '../../../node-shared/sqlite/page-cipher.ts';
import { CoreError } from '../errors.ts';

// The keying lives in node-shared so the patient gateway opens its store the same way.
export { applyVaultPragmas, KEY_BYTES, keyDatabase, PAGE_FORMAT, rawKeyPragma, setRawKey, type Db, type PageFormat } from '../../../node-shared/sqlite/page-cipher.ts';

/**
 * AEGIS files keep bytes 16-23 of page 1 readable (SQLite needs the page size and the reserved
 * bytes before it can decrypt): 4 KiB pages and 64 reserved bytes (nonce + tag). In SQLCipher 4
 * files those bytes are ciphertext. Only a hint for which format to try first: a migration that
 * committed in the WAL but was not yet checkpointed still has a SQLCipher page 1 in the file.
 */
export function pageFormatHint(file: string): PageFormat {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(8);
    if (fs.readSync(fd, b, 0, 8, 16) < 8) return PAGE_FORMAT; // empty: a new file
    if (b.readUInt16BE(0) === 4096 && b[4] === 64 && b[5] === 64 && b[6] === 32 && b[7] === 32) {
      return 'aegis-256';
    }
    return 'sqlcipher-4';
  } catch {
    return PAGE_FORMAT;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** SQLite result codes that mean the bytes on disk are not what was written. */
export function sqliteCode(err: unknown): string | null {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    const code = (err as unknown as { code: string }).code;
    return code.startsWith('SQLITE_') ? code : null;
  }
  return null;
}

export function isDamage(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

export type FormatMigrationEvent =
  | { readonly phase: 'start'; readonly from: PageFormat; readonly to: PageFormat; readonly bytes: number }
  | { readonly phase: 'done'; readonly from: PageFormat; readonly to: PageFormat; readonly bytes: number; readonly ms: number };

export interface EncryptedDbMessages {
  readonly wrongKey: string;
  readonly damaged: string;
  readonly notFound: string;
}

export interface OpenEncryptedDbOptions {
  readonly file: string;
  /** The raw 32-byte key; null only for the benchmark's plain baseline. */
  readonly key: Buffer | null;
  readonly create: boolean;
  /**
   * The key came from an authenticated unwrap, so a file it does not decrypt is damaged rather
   * than opened with the wrong key.
   */
  readonly keyVerified: boolean;
  /** Fixed, PHI-free sentences for the typed errors. */
  readonly messages: EncryptedDbMessages;
  /** Told before and after an in-place conversion from an older page format. */
  readonly onMigration?: (event: FormatMigrationEvent) => void;
}

/** Opens with one format and proves the key on page 1; null when the key does not decrypt it. */
function tryOpen(file: string, key: Buffer | null, format: PageFormat | null, create: boolean): Db | null {
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: !create });
  } catch (err) {
    if (sqliteCode(err) === 'SQLITE_CANTOPEN') throw new CoreError('not_found', 'The database file was not found.', { cause: err });
    throw err;
  }
  try {
    if (key !== null && format !== null) keyDatabase(db, key, format);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    if (sqliteCode(err) === 'SQLITE_NOTADB') return null;
    throw err;
  }
}

/**
 * Rewrites every page in the current format inside one write transaction. sqlite3mc runs a
 * VACUUM because the reserved bytes per page change (80 to 64); the copy goes to the WAL and only
 * its commit frame makes it real, so kill -9 at any point leaves either the old file or the new
 * one. The final checkpoint moves the frames into the file; if it is cut short, the next open
 * replays them from the WAL.
 */
function convertInPlace(db: Db, key: Buffer, from: PageFormat, options: OpenEncryptedDbOptions): void {
  const bytes = fs.statSync(options.file).size;
  options.onMigration?.({ phase: 'start', from, to: PAGE_FORMAT, bytes });
  const t0 = performance.now();
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('temp_store = MEMORY');
  db.pragma('secure_delete = ON');
  db.pragma('wal_checkpoint(TRUNCATE)');
  selectCipher(db, PAGE_FORMAT);
  setRawKey(db, 'rekey', key);
  db.pragma('wal_checkpoint(TRUNCATE)');
  options.onMigration?.({ phase: 'done', from, to: PAGE_FORMAT, bytes, ms: performance.now() - t0 });
}

/**
 * Opens (or creates) an encrypted database in the current page format, converting an older
 * format in place, and applies the vault's pragmas. Throws CoreError 'not_found',
 * 'wrong_password' (only when the key is not verified) or 'damaged_store'; closes the handle on
 * every failure.
 */
export function openEncryptedDb(options: OpenEncryptedDbOptions): Db {
  const { file, key, messages } = options;
  if (key !== null && (!Buffer.isBuffer(key) || key.length !== KEY_BYTES)) throw new TypeError('database key must be 32 bytes'); // before touching disk
  const exists = fs.existsSync(file);
  if (!options.create && !exists) throw new CoreError('not_found', messages.notFound);
  let db: Db | null = null;
  try {
    if (key === null) {
      db = tryOpen(file, null, null, options.create);
      if (db === null) throw new CoreError('damaged_store', messages.damaged);
    } else {
      const first = exists ? pageFormatHint(file) : PAGE_FORMAT;
      const second: PageFormat = first === 'aegis-256' ? 'sqlcipher-4' : 'aegis-256';
      let format = first;
      db = tryOpen(file, key, first, options.create);
      if (db === null) {
        format = second;
        db = tryOpen(file, key, second, options.create);
      }
      if (db === null) {
        if (!options.keyVerified) throw new CoreError('wrong_password', messages.wrongKey);
        throw new CoreError('damaged_store', messages.damaged);
      }
      if (format !== PAGE_FORMAT) convertInPlace(db, key, format, options);
    }
    applyVaultPragmas(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof CoreError) {
      if (err.code === 'not_found') throw new CoreError('not_found', messages.notFound, { cause: err });
      throw err;
    }
    if (isDamage(err)) throw new CoreError('damaged_store', messages.damaged, { cause: err });
    throw err;
  }
}
