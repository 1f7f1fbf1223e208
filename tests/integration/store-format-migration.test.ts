import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveAuditKeys } from '../../node-shared/audit/keys.ts';
import { openAuditLog } from '../../electron/core/audit/log.ts';
import Database from 'better-sqlite3-multiple-ciphers';
import { keyDatabase, pageFormatHint, rawKeyPragma, type FormatMigrationEvent } from '../../electron/core/sqlite/encrypted-db.ts';
import { openStore } from '../../electron/core/store/store.ts';
import { opensAs, toLegacySqlcipher } from '../../bench/store-legacy.ts';

const bench = path.resolve(import.meta.dirname, '../../bench');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-format-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SEED_MESSAGES = 60_000;
const lastClientId = `g${(SEED_MESSAGES - 1).toString(36)}`;
const key = randomBytes(32);
let seed: string | null = null;

/** A store of the previous version's format: generated through the real Store API, then rewritten as SQLCipher 4. */
function legacySeed(): string {
  if (seed !== null) return seed;
  const file = path.join(dir, 'seed.db');
  const gen = spawnSync(process.execPath, [path.join(bench, 'store-generate-child.ts'), file, key.toString('hex'), String(SEED_MESSAGES), '20'], {
    encoding: 'utf8',
  });
  expect(gen.status, gen.stderr).toBe(0);
  toLegacySqlcipher(file, key, { storeSchemaV1: true });
  expect(pageFormatHint(file)).toBe('sqlcipher-4');
  seed = file;
  return file;
}

function copyWithSiblings(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
  }
}

/** Runs the migration child and SIGKILLs it `killAfterMs` after it says the conversion started. */
function migrateAndKill(file: string, killAfterMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(bench, 'store-migrate-child.ts'), file, key.toString('hex')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.startsWith('S\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out));
  });
}

describe('page format migration (SQLCipher 4 to AEGIS-256)', () => {
  it('converts a SQLCipher store in place on first open, keeping rows, search and integrity, and says so', () => {
    const file = path.join(dir, 'inplace.db');
    copyWithSiblings(legacySeed(), file);
    const events: FormatMigrationEvent[] = [];
    const store = openStore({ file, key, onFormatMigration: (e) => events.push(e) });
    expect(events.map((e) => e.phase)).toEqual(['start', 'done']);
    expect(events[1]).toMatchObject({ from: 'sqlcipher-4', to: 'aegis-256' });
    expect(store.integrityCheck()).toEqual(['ok']);
    expect(store.getMessageByClientId('g0')).not.toBeNull();
    expect(store.getMessageByClientId(lastClientId)).not.toBeNull();
    expect(store.search('referral', 5).length).toBeGreaterThan(0);
    store.close();
    // The page header now shows the format, and SQLCipher no longer reads the file.
    expect(pageFormatHint(file)).toBe('aegis-256');
    expect(opensAs(file, key, 'sqlcipher-4')).toBe(false);
    // No temp files beside the store: the VACUUM copy stayed in memory.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('inplace') && f !== 'inplace.db')).toEqual([]);
    const again: FormatMigrationEvent[] = [];
    openStore({ file, key, onFormatMigration: (e) => again.push(e) }).close();
    expect(again).toEqual([]);
  }, 60_000);

  it('leaves a store that opens, in exactly one format, when killed -9 at any point of the migration', async () => {
    // Measure one uncut migration, then kill at points spread over it and just after it.
    const timing = path.join(dir, 'timing.db');
    copyWithSiblings(legacySeed(), timing);
    const whole = Number(/D ([\d.]+)/.exec(await migrateAndKill(timing, 60_000))?.[1]);
    expect(whole).toBeGreaterThan(0);
    const states: string[] = [];
    for (const [round, fraction] of [0, 0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1, 1.1, 1.5].entries()) {
      const file = path.join(dir, `crash-${round}.db`);
      copyWithSiblings(legacySeed(), file);
      const out = await migrateAndKill(file, Math.round(whole * fraction));
      // Probe copies: a probe that opens may checkpoint and so change what the next probe sees.
      const formats = (['sqlcipher-4', 'aegis-256'] as const).filter((f) => {
        const probe = path.join(dir, `probe-${round}-${f}.db`);
        copyWithSiblings(file, probe);
        return opensAs(probe, key, f);
      });
      expect(formats, `kill at ${fraction} of ${whole} ms (${out.trim().replace(/\n/g, ' ')})`).toHaveLength(1);
      if (out.includes('D ')) expect(formats).toEqual(['aegis-256']);
      states.push(formats[0] as string);
      const store = openStore({ file, key });
      expect(store.integrityCheck()).toEqual(['ok']);
      expect(store.getMessageByClientId('g0')).not.toBeNull();
      expect(store.getMessageByClientId(lastClientId)).not.toBeNull();
      store.close();
      expect(pageFormatHint(file)).toBe('aegis-256');
    }
    expect(states, states.join(' ')).toContain('aegis-256');
  }, 180_000);

  it('finishes a migration that committed to the WAL but was cut off before the checkpoint', () => {
    const live = path.join(dir, 'live.db');
    const crashed = path.join(dir, 'crashed.db');
    copyWithSiblings(legacySeed(), live);
    const db = new Database(live);
    keyDatabase(db, key, 'sqlcipher-4');
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`cipher = 'aegis'`);
    db.pragma(`algorithm = 'aegis-256'`);
    db.pragma(rawKeyPragma('rekey', key));
    // The bytes on disk at this instant are what kill -9 would leave: old pages in the file, the new ones committed in the WAL.
    copyWithSiblings(live, crashed);
    db.close();
    expect(pageFormatHint(crashed)).toBe('sqlcipher-4');
    expect(fs.statSync(`${crashed}-wal`).size).toBeGreaterThan(fs.statSync(crashed).size / 2);
    const events: FormatMigrationEvent[] = [];
    const store = openStore({ file: crashed, key, onFormatMigration: (e) => events.push(e) });
    expect(events).toEqual([]);
    expect(store.integrityCheck()).toEqual(['ok']);
    expect(store.getMessageByClientId(lastClientId)).not.toBeNull();
    store.close();
    expect(pageFormatHint(crashed)).toBe('aegis-256');
  });

  it('converts the audit trail in place too, with its chain intact', () => {
    const auditDir = path.join(dir, 'audit');
    const file = path.join(auditDir, 'audit.db');
    const keys = deriveAuditKeys(randomBytes(32));
    const open = (onFormatMigration?: (e: FormatMigrationEvent) => void) =>
      openAuditLog({ file, dbKey: keys.dbKey, macKey: keys.macKey, deviceId: 'dev_test', ...(onFormatMigration ? { onFormatMigration } : {}) });
    const log = open();
    log.appendMany(Array.from({ length: 500 }, (_, i) => ({ event: 'message.send' as const, staffId: 'p_a', targets: [`m_${i}`] })));
    const head = log.head();
    log.close();
    toLegacySqlcipher(file, keys.dbKey);
    const events: FormatMigrationEvent[] = [];
    const again = open((e) => events.push(e));
    expect(events.map((e) => e.phase)).toEqual(['start', 'done']);
    expect(again.head()).toEqual(head);
    expect(again.verify()).toMatchObject({ ok: true, count: 500 });
    again.close();
    expect(pageFormatHint(file)).toBe('aegis-256');
  });
});
