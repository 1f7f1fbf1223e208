/**
 * How every encrypted SQLite file of Sealwire is keyed: the client's profile stores and audit
 * trail (electron/core/sqlite/encrypted-db.ts) and the patient gateway's store. Pages are
 * sqlite3mc's AEGIS-256 (a fresh random 256-bit nonce per page write and a 32-byte tag), with a
 * raw 256-bit key, so no KDF runs at open.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

export type Db = Database.Database;
export type PageFormat = 'aegis-256' | 'sqlcipher-4';

export const KEY_BYTES = 32;
export const PAGE_FORMAT: PageFormat = 'aegis-256';

/**
 * Raw-key syntax: the 64 hex digits are the key itself, so no KDF runs at open. Only for tests and
 * benchmarks that build files by hand: the app sets keys with setRawKey, which leaves no string.
 */
export function rawKeyPragma(name: 'key' | 'rekey', key: Buffer): string {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError('database key must be 32 bytes');
  return `${name} = "x'${key.toString('hex')}'"`;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Sets (or changes) the raw key through sqlite3_key / sqlite3_rekey with the `x'<hex>'` text built
 * byte by byte in a Buffer that is zeroed afterwards. A PRAGMA would put the key's hex into a JS
 * string and into SQLite's statement text, neither of which can be cleared, so a memory dump taken
 * after the store closed could still read the key (issue 8 item 6).
 */
export function setRawKey(db: Db, name: 'key' | 'rekey', key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new TypeError('database key must be 32 bytes');
  const text = Buffer.alloc(KEY_BYTES * 2 + 3);
  try {
    text[0] = 0x78; // x
    text[1] = 0x27; // '
    for (let i = 0; i < KEY_BYTES; i++) {
      const byte = key[i] as number;
      text[2 + 2 * i] = HEX_DIGITS[byte >> 4] as number;
      text[3 + 2 * i] = HEX_DIGITS[byte & 15] as number;
    }
    text[text.length - 1] = 0x27;
    if (name === 'key') db.key(text);
    else db.rekey(text);
  } finally {
    text.fill(0);
  }
}

/** Selects a page format and sets the key on a fresh handle (tests use it to reach the raw file). */
export function keyDatabase(db: Db, key: Buffer, format: PageFormat = PAGE_FORMAT): void {
  selectCipher(db, format);
  setRawKey(db, 'key', key);
}

export function selectCipher(db: Db, format: PageFormat): void {
  if (format === 'aegis-256') {
    db.pragma(`cipher = 'aegis'`);
    db.pragma(`algorithm = 'aegis-256'`);
  } else {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
  }
}

/** The vault's pragmas, the same for the store, the audit trail and the benchmark's plain baseline. */
export function applyVaultPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  // Sorts, temp indexes, materialised views and the migration's VACUUM copy stay in memory:
  // no plaintext temp files.
  db.pragma('temp_store = MEMORY');
  // 16 MB of decrypted pages: thread pages and searches at a million messages stay fast, and the
  // process stays under the benchmark's RSS target (32 MB cost about 15 MB more RSS for no gain).
  db.pragma('cache_size = -16000');
  // Memory-mapped pages would bypass the cipher layer, so SQLite3MC does not map encrypted
  // databases; 0 says so plainly, and keeps the benchmark's plain baseline on the same footing.
  db.pragma('mmap_size = 0');
  db.pragma('busy_timeout = 5000');
}

