import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRecordView } from '../../shared/contract/audit.ts';
import { CoreError } from '../../electron/core/errors.ts';
import { deriveAuditKeys, targetRef } from '../../node-shared/audit/keys.ts';
import { DEFAULT_AUDIT_RETENTION_MS, openAuditLog, type AuditLog } from '../../electron/core/audit/log.ts';
import { auditHandlers } from '../../electron/core/ipc/handlers/audit.ts';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';

let dir: string;
let file: string;
let clock: number;
const keys = deriveAuditKeys(crypto.randomBytes(32));
const open = (extra: Partial<Parameters<typeof openAuditLog>[0]> = {}): AuditLog =>
  openAuditLog({ file, dbKey: keys.dbKey, macKey: keys.macKey, deviceId: 'dev_test', now: () => clock, ...extra });
const ctx = { transport: 'bridge' as const };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-audit-'));
  file = path.join(dir, 'audit', 'audit.db');
  clock = 1_763_780_000_000;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('audit log on a real encrypted file', () => {
  it('appends with consecutive seqs, survives reopening, and verifies', () => {
    const log = open();
    const first = log.append({ event: 'auth.failed', staffId: null, outcome: 'denied', code: 'wrong_password' });
    expect(first).toMatchObject({ seq: 1, staffId: null, deviceId: 'dev_test', outcome: 'denied', code: 'wrong_password' });
    const many = log.appendMany(Array.from({ length: 50 }, (_, i) => ({ event: 'message.send' as const, staffId: 'p_a', targets: [`m_${i}`] })));
    expect(many.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    const head = log.head();
    log.close();

    const again = open();
    expect(again.head()).toEqual(head);
    again.append({ event: 'auth.sign_out', staffId: 'p_a' });
    expect(again.verify()).toMatchObject({ ok: true, count: 52, head: { seq: 52 } });
    again.close();
  });

  it('verifyAsync agrees with verify across many pages and names the same problem', async () => {
    const log = open();
    log.appendMany(Array.from({ length: 12_000 }, (_, i) => ({ event: 'message.send' as const, staffId: 'p_a', targets: [`m_${i}`] })));
    expect(await log.verifyAsync()).toEqual(log.verify());
    expect(await log.verifyAsync()).toMatchObject({ ok: true, count: 12_000 });
    const head = log.head();
    log.close();
    const db = new Database(file);
    keyDatabase(db, keys.dbKey);
    db.exec('DROP TRIGGER audit_no_delete');
    db.prepare('DELETE FROM audit WHERE seq = 7001').run();
    db.close();
    const again = open();
    const expected = { ok: false, problems: [{ seq: 7001, kind: 'missing' }], more: false };
    expect(await again.verifyAsync({ trustedHeads: [{ seq: head.seq, hash: head.hash }] })).toEqual(expected);
    expect(again.verify()).toEqual(expected);
    again.close();
  });

  it('keeps the file encrypted: no record text in the raw bytes', () => {
    const log = open();
    log.appendMany(Array.from({ length: 200 }, () => ({ event: 'conversation.open' as const, staffId: 'p_canary_7f3e', targets: ['c_canary_91ab'] })));
    log.close();
    for (const f of fs.readdirSync(path.dirname(file))) {
      const bytes = fs.readFileSync(path.join(path.dirname(file), f));
      expect(bytes.includes('canary_91ab')).toBe(false);
      expect(bytes.includes('conversation.open')).toBe(false);
    }
    expect(fs.readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });

  it('refuses a wrong key with a typed error and leaves the file intact', () => {
    open().append({ event: 'auth.sign_in', staffId: 'p_a' });
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      openAuditLog({ file, dbKey: crypto.randomBytes(32), macKey: keys.macKey, deviceId: 'dev_test' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('damaged_store');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(open().verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses updates and deletes at the database level', () => {
    const log = open();
    log.appendMany([
      { event: 'auth.sign_in', staffId: 'p_a' },
      { event: 'search', staffId: 'p_a', targets: [targetRef(keys.refKey, 'search', 'diabetes')] },
    ]);
    log.close();
    const db = new Database(file);
    keyDatabase(db, keys.dbKey);
    expect(() => db.prepare("UPDATE audit SET record = '[]' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare('INSERT INTO audit_anchor (id, seq, hash, mac) VALUES (1, 1, x\'00\', x\'00\')').run()).toThrow(/retention/);
    db.close();
    expect(open().verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('rejects malformed entries without writing anything', () => {
    const log = open();
    const bad = [
      { event: 'nope', staffId: null },
      { event: 'search', staffId: 'p_a', targets: ['free text with spaces'] },
      { event: 'search', staffId: 'p_a', targets: Array.from({ length: 9 }, (_, i) => `t${i}`) },
      { event: 'search', staffId: 'p_a', extra: 1 },
    ];
    for (const entry of bad) {
      expect(() => log.appendMany([{ event: 'auth.sign_in', staffId: 'p_a' }, entry as never])).toThrow(CoreError);
    }
    expect(log.head().seq).toBe(0);
  });

  it('pages a staff member\'s own records newest first, and all records for the device', () => {
    const log = open();
    for (let i = 0; i < 30; i++) log.append({ event: 'conversation.open', staffId: i % 3 === 0 ? 'p_a' : 'p_b', targets: [`c_${i}`] });
    const first = log.page({ staffId: 'p_a', limit: 4 });
    expect(first.records.map((r) => r.seq)).toEqual([28, 25, 22, 19]);
    expect(first.records.every((r) => r.staffId === 'p_a')).toBe(true);
    const rest = log.page({ staffId: 'p_a', beforeSeq: first.nextBeforeSeq as number, limit: 10 });
    expect(rest.records.map((r) => r.seq)).toEqual([16, 13, 10, 7, 4, 1]);
    expect(rest.nextBeforeSeq).toBeNull();
    expect(log.page({ limit: 500 }).records).toHaveLength(30);
    for (const r of first.records) expect(AuditRecordView.safeParse(r).success).toBe(true);
  });

  it('exports JSONL and CSV, and records each export', () => {
    const log = open();
    log.append({ event: 'auth.sign_in', staffId: 'p_a' });
    log.append({ event: 'attachment.save', staffId: 'p_a', targets: ['=cmd|calc'], outcome: 'error', code: 'disk_full' });
    const jsonl = log.exportText({ format: 'jsonl', limit: 100, actor: 'p_admin' });
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(lines[1]).toMatchObject({ event: 'attachment.save', outcome: 'error', code: 'disk_full', targets: ['=cmd|calc'] });
    expect(lines[1]?.prevHash).toBe(lines[0]?.hash);
    expect(jsonl.nextFromSeq).toBeNull();

    const csv = log.exportText({ format: 'csv', staffId: 'p_a', limit: 100, actor: 'p_a' });
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toMatch(/^seq,time,time_utc,staff_id/);
    expect(rows[2]).toContain(",'=cmd|calc,");
    expect(csv.count).toBe(2);

    const exports = log.page({ limit: 10 }).records.filter((r) => r.event === 'audit.export');
    expect(exports.map((r) => [r.staffId, r.targets])).toEqual([
      ['p_a', ['format:csv', 'count:2', 'staff:p_a']],
      ['p_admin', ['format:jsonl', 'count:2', 'scope:device']],
    ]);

    const out = path.join(dir, 'export.jsonl');
    expect(log.exportToFile(out, { format: 'jsonl', actor: 'p_admin' })).toEqual({ count: 4 });
    expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(4);
    expect(log.verify()).toMatchObject({ ok: true, count: 5 });
  });

  it('pages a large export with nextFromSeq', () => {
    const log = open();
    log.appendMany(Array.from({ length: 25 }, (_, i) => ({ event: 'search' as const, staffId: 'p_a', targets: [`q_${i}`] })));
    const a = log.exportText({ format: 'jsonl', limit: 10, actor: 'p_a' });
    expect(a).toMatchObject({ count: 10, nextFromSeq: 11 });
    const b = log.exportText({ format: 'jsonl', fromSeq: 11, limit: 10, actor: 'p_a' });
    expect(b).toMatchObject({ count: 10, nextFromSeq: 21 });
  });

  it('purges the oldest records past retention, keeps an anchor and a checkpoint, and still verifies', () => {
    const log = open();
    const year = 365 * 24 * 3600 * 1000;
    log.appendMany(Array.from({ length: 10 }, () => ({ event: 'auth.sign_in' as const, staffId: 'p_a' })));
    clock += year;
    log.appendMany(Array.from({ length: 5 }, () => ({ event: 'auth.sign_out' as const, staffId: 'p_a' })));
    expect(log.purge({ retentionMs: year / 2 })).toEqual({ removed: 10, through: 10 });
    expect(log.page({ limit: 100 }).records.map((r) => r.seq)).toEqual([16, 15, 14, 13, 12, 11]);
    expect(log.page({ limit: 1 }).records[0]).toMatchObject({ event: 'audit.checkpoint', targets: ['through:10'] });
    expect(log.verify()).toMatchObject({ ok: true, count: 6, head: { seq: 16 } });
    // Nothing more is old enough; the default retention (6 years) keeps everything.
    expect(log.purge({ retentionMs: year / 2 }).removed).toBe(0);
    expect(log.purge().removed).toBe(0);
    expect(DEFAULT_AUDIT_RETENTION_MS).toBeGreaterThanOrEqual(6 * 365 * 24 * 3600 * 1000);
    clock += 7 * year;
    log.append({ event: 'auth.sign_in', staffId: 'p_b' });
    expect(log.purge()).toEqual({ removed: 6, through: 16 });
    log.close();
    const again = open();
    expect(again.verify()).toMatchObject({ ok: true, count: 2, head: { seq: 18 } });
  });

  it('serves the contract handlers with staff and admin scopes', async () => {
    const log = open();
    log.append({ event: 'conversation.open', staffId: 'p_a', targets: ['c_1'] });
    log.append({ event: 'conversation.open', staffId: 'p_b', targets: ['c_2'] });
    let who: string | null = 'p_a';
    let admin = false;
    const h = auditHandlers({
      audit: () => log,
      currentStaffId: () => who,
      isAdmin: () => admin,
      integrity: async () => ({ state: 'ok' as const, problems: [] }),
      acknowledge: async () => ({ state: 'ok' as const, problems: [] }),
      trailProblems: () => [],
    });
    const mine = await h['audit.myActivity']({ limit: 10 }, ctx);
    expect(mine.records.map((r) => r.staffId)).toEqual(['p_a']);
    await expect(async () => h['audit.deviceActivity']({ limit: 10 }, ctx)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(async () => h['audit.verify']({}, ctx)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(async () => h['audit.export']({ format: 'csv', scope: 'device', limit: 10 }, ctx)).rejects.toMatchObject({ code: 'unauthorized' });
    admin = true;
    expect((await h['audit.deviceActivity']({ limit: 10 }, ctx)).records).toHaveLength(2);
    expect(await h['audit.verify']({}, ctx)).toMatchObject({ ok: true, count: 2 });
    const exported = await h['audit.export']({ format: 'jsonl', scope: 'device', limit: 10 }, ctx);
    expect(exported).toMatchObject({ format: 'jsonl', count: 2, nextFromSeq: null });
    who = null;
    await expect(async () => h['audit.myActivity']({ limit: 10 }, ctx)).rejects.toMatchObject({ code: 'locked' });
  });
});
