import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { SCHEMA_VERSION, openStore } from '../../electron/core/store/store.ts';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dir: string;
let file: string;
let key: Buffer;
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return err instanceof CoreError ? err.code : `untyped:${(err as Error).message}`;
  }
  return undefined;
}

function seed(count = 1200) {
  const s = openStore({ file, key, create: true });
  const c = s.ensureConversation({ kind: 'direct', jid: 'bob@clinic.test' });
  for (let i = 0; i < count; i++) {
    s.insertMessage({ clientId: `m${i}`, conversationId: c.id, senderJid: c.jid, body: `message ${i} ${'padding '.repeat(20)}`, sentAt: i, direction: 'in' });
  }
  s.close();
  return c.id;
}

function rawOpen() {
  const db = new Database(file);
  keyDatabase(db, key);
  return db;
}

beforeEach(() => {
  dir = makeTempDir('damage');
  file = path.join(dir, 'store.db');
  key = randomBytes(32);
});
afterEach(() => removeTempDir(dir));

describe('store: damage and versions', () => {
  it('a damaged page in the middle is a typed damaged_store error; the file is not altered further', async () => {
    const conv = seed();
    // Pick a leaf page of the messages table, so reading the whole timeline must touch it.
    const db = rawOpen();
    const leaves = db.prepare(`SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' ORDER BY pageno`).pluck().all() as number[];
    db.close();
    expect(leaves.length).toBeGreaterThan(3);
    const page = leaves[Math.floor(leaves.length / 2)] as number;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, randomBytes(64), 0, 64, (page - 1) * 4096 + 1000);
    fs.closeSync(fd);
    const before = sha(file);
    let code: string | undefined;
    try {
      const s = openStore({ file, key, keyVerified: true });
      try {
        // Reading every page of the timeline must hit the damaged one.
        code = await codeOf(() => {
          let page = s.messagesPage(conv, { limit: 200 });
          while (page.olderCursor !== null) page = s.messagesPage(conv, { before: page.olderCursor, limit: 200 });
          return s.search('message');
        });
        expect(s.integrityCheck()).not.toEqual(['ok']);
      } finally {
        s.close();
      }
    } catch (err) {
      code = err instanceof CoreError ? err.code : 'untyped';
    }
    expect(code).toBe('damaged_store');
    expect(sha(file)).toBe(before);
  });

  it('a file that is not a database is refused without being changed', async () => {
    fs.writeFileSync(file, randomBytes(8192));
    const before = sha(file);
    expect(await codeOf(() => openStore({ file, key }))).toBe('wrong_password');
    expect(await codeOf(() => openStore({ file, key, keyVerified: true }))).toBe('damaged_store');
    expect(sha(file)).toBe(before);
  });

  it('a store from a newer schema version is refused with store_too_new and left byte-identical', async () => {
    seed(10);
    const db = rawOpen();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = sha(file);
    expect(await codeOf(() => openStore({ file, key }))).toBe('store_too_new');
    expect(await codeOf(() => openStore({ file, key, create: true }))).toBe('store_too_new');
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
  });
});
