import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRecord, hashRecord, parseRecord } from '../../node-shared/audit/canonical.ts';
import { deriveAuditKeys } from '../../node-shared/audit/keys.ts';
import { openAuditLog } from '../../electron/core/audit/log.ts';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';

// One genuine audit store; every test tampers with its own copy, opened directly with the key
// the way an attacker who had it would, after dropping the append-only triggers.
const RECORDS = 40;
const keys = deriveAuditKeys(crypto.randomBytes(32));
let root: string;
let original: string;

const openLog = (file: string, headFile?: string) =>
  openAuditLog({ file, dbKey: keys.dbKey, macKey: keys.macKey, deviceId: 'dev_tamper', headFile });

function copyStore(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const f of fs.readdirSync(path.dirname(original))) {
    fs.copyFileSync(path.join(path.dirname(original), f), path.join(dir, f));
  }
  return path.join(dir, 'audit.db');
}

function tamper(file: string, edit: (db: Database.Database) => void): void {
  const db = new Database(file);
  keyDatabase(db, keys.dbKey);
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
  db.transaction(() => edit(db))();
  db.close();
}

const recordAt = (db: Database.Database, seq: number) =>
  (db.prepare('SELECT record FROM audit WHERE seq = ?').get(seq) as { record: string }).record;

/** Renumbers seq >= from by delta, in an order that never collides on the primary key. */
function shift(db: Database.Database, from: number, delta: number): void {
  const seqs = (db.prepare('SELECT seq FROM audit WHERE seq >= ? ORDER BY seq').pluck().all(from) as number[]);
  if (delta > 0) seqs.reverse();
  const move = db.prepare('UPDATE audit SET seq = ? WHERE seq = ?');
  for (const s of seqs) move.run(s + delta, s);
}

const verifyCopy = (file: string, trustedHeads: { seq: number; hash: string }[] = []) => {
  const log = openLog(file);
  try {
    return log.verify({ trustedHeads });
  } finally {
    log.close();
  }
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-audit-tamper-'));
  fs.mkdirSync(path.join(root, 'original'));
  original = path.join(root, 'original', 'audit.db');
  const log = openLog(original);
  log.append({ event: 'auth.failed', staffId: null, outcome: 'denied', code: 'wrong_password' });
  for (let i = 2; i <= RECORDS; i++) log.append({ event: i % 2 ? 'message.send' : 'conversation.open', staffId: 'p_a', targets: [`x_${i}`] });
  expect(log.verify()).toMatchObject({ ok: true, count: RECORDS });
  log.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('audit tamper detection on a copy of the real store', () => {
  it('the untouched copy verifies', () => {
    expect(verifyCopy(copyStore('untouched'))).toMatchObject({ ok: true, count: RECORDS, head: { seq: RECORDS } });
  });

  it('edit: a changed field is named', () => {
    const file = copyStore('edit');
    tamper(file, (db) => {
      const text = recordAt(db, 17).replace('"p_a"', '"p_z"');
      db.prepare('UPDATE audit SET record = ? WHERE seq = 17').run(text);
    });
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: 17, kind: 'changed' }], more: false });
  });

  it('edit of the outcome on the very first record (a failed sign-in) is named', () => {
    const file = copyStore('edit-first');
    tamper(file, (db) => {
      db.prepare('UPDATE audit SET record = ? WHERE seq = 1').run(recordAt(db, 1).replace('"denied"', '"ok"'));
    });
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: 1, kind: 'changed' }], more: false });
  });

  it('delete: a removed record is named, also when the rest is renumbered to hide the gap', () => {
    const file = copyStore('delete');
    tamper(file, (db) => db.prepare('DELETE FROM audit WHERE seq = 23').run());
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: 23, kind: 'missing' }], more: false });

    const hidden = copyStore('delete-renumbered');
    tamper(hidden, (db) => {
      db.prepare('DELETE FROM audit WHERE seq = 23').run();
      shift(db, 24, -1);
    });
    const result = verifyCopy(hidden);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toContainEqual({ seq: 23, kind: 'missing' });
  });

  it('reorder: swapped seqs are both named', () => {
    const file = copyStore('reorder');
    tamper(file, (db) => {
      db.prepare('UPDATE audit SET seq = -1 WHERE seq = 12').run();
      db.prepare('UPDATE audit SET seq = 12 WHERE seq = 30').run();
      db.prepare('UPDATE audit SET seq = 30 WHERE seq = -1').run();
    });
    expect(verifyCopy(file)).toEqual({
      ok: false,
      problems: [
        { seq: 12, kind: 'reordered' },
        { seq: 30, kind: 'reordered' },
      ],
      more: false,
    });
  });

  it('insert: a forged record slipped into the middle is named', () => {
    const file = copyStore('insert');
    tamper(file, (db) => {
      const prev = hashRecord(recordAt(db, 20)).toString('hex');
      const forged = canonicalRecord({ seq: 21, time: Date.now(), staffId: 'p_a', deviceId: 'dev_tamper', event: 'auth.sign_out', targets: [], outcome: 'ok', code: null, prevHash: prev });
      shift(db, 21, +1);
      db.prepare('INSERT INTO audit (seq, record, mac) VALUES (21, ?, ?)').run(forged, crypto.randomBytes(32));
    });
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: 21, kind: 'inserted' }], more: false });
  });

  it('insert: a forged record appended at the end is named', () => {
    const file = copyStore('append');
    tamper(file, (db) => {
      const prev = hashRecord(recordAt(db, RECORDS)).toString('hex');
      const forged = canonicalRecord({ seq: RECORDS + 1, time: Date.now(), staffId: 'p_a', deviceId: 'dev_tamper', event: 'auth.sign_out', targets: [], outcome: 'ok', code: null, prevHash: prev });
      db.prepare('INSERT INTO audit (seq, record, mac) VALUES (?, ?, ?)').run(RECORDS + 1, forged, crypto.randomBytes(32));
    });
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: RECORDS + 1, kind: 'inserted' }], more: false });
  });

  it('truncate: a shortened end is named through the head file', () => {
    const file = copyStore('truncate');
    tamper(file, (db) => db.prepare('DELETE FROM audit WHERE seq > 35').run());
    expect(verifyCopy(file)).toEqual({ ok: false, problems: [{ seq: 36, kind: 'truncated' }], more: false });
  });

  it('truncate: with the head file also removed, the server-published head still names it', () => {
    const file = copyStore('truncate-no-head');
    const published = (() => {
      const log = openLog(original);
      const h = log.head();
      log.close();
      return { seq: h.seq, hash: h.hash };
    })();
    tamper(file, (db) => db.prepare('DELETE FROM audit WHERE seq > 30').run());
    fs.rmSync(`${file}.head`);
    expect(verifyCopy(file).ok).toBe(true);
    expect(verifyCopy(file, [published])).toEqual({ ok: false, problems: [{ seq: 31, kind: 'truncated' }], more: false });
  });

  it('a forged head file is reported', () => {
    const file = copyStore('head-file');
    const head = JSON.parse(fs.readFileSync(`${file}.head`, 'utf8')) as { seq: number };
    fs.writeFileSync(`${file}.head`, JSON.stringify({ ...head, seq: head.seq + 5 }).replace(/"mac":"[0-9a-f]+"/, `"mac":"${'00'.repeat(32)}"`));
    expect(verifyCopy(file)).toMatchObject({ ok: false, problems: [{ seq: 0, kind: 'bad_mac' }] });
  });

  it('a tampered record still reads as an unreadable row rather than crashing the activity list', () => {
    const file = copyStore('unreadable');
    tamper(file, (db) => {
      const text = recordAt(db, 6);
      expect(parseRecord(text)?.event).toBe('conversation.open');
      db.prepare('UPDATE audit SET record = ? WHERE seq = 6').run(text.replace('"conversation.open"', '"not.an.event"'));
    });
    const log = openLog(file);
    const row = log.page({ limit: 100 }).records.find((r) => r.seq === 6);
    expect(row).toMatchObject({ outcome: 'error', code: 'audit.unreadable' });
    expect(log.verify()).toEqual({ ok: false, problems: [{ seq: 6, kind: 'changed' }], more: false });
    log.close();
  });
});
