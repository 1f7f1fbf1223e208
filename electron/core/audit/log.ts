import fs from 'node:fs';
import { z } from 'zod';
import {
  AUDIT_MAX_TARGETS,
  AuditEventType,
  AuditOutcome,
  AuditTarget,
  type AuditExportFormat,
  type AuditHead,
  type AuditPage,
  type AuditRecordView,
  type AuditVerifyResult,
} from '../../../shared/contract/audit.ts';
import { CoreError } from '../errors.ts';
import { silentLogger, type Logger } from '../log/logger.ts';
import { canonicalRecord, createHexMac, createMac, GENESIS_HASH, hashRecord, parseRecord } from '../../../node-shared/audit/canonical.ts';
import type { FormatMigrationEvent } from '../sqlite/encrypted-db.ts';
import { openEncryptedDb } from './db.ts';
import { CSV_HEADER, formatRecord, type ExportRecord } from '../../../node-shared/audit/export-format.ts';
import { readHeadFile, writeHeadFile, type StoredHead } from '../../../node-shared/audit/head-file.ts';
import { migrateAuditSchema } from './schema.ts';
import { verifyChain, verifyChainAsync, type AuditRow, type ChainAnchor, type VerifyInput } from '../../../node-shared/audit/verify.ts';

/** Default retention: six years (HIPAA documentation retention), counted generously. */
export const DEFAULT_AUDIT_RETENTION_MS = 6 * 366 * 24 * 60 * 60 * 1000;

export const AuditEntry = z.strictObject({
  event: AuditEventType,
  staffId: z
    .string()
    .max(128)
    .regex(/^[\x21-\x7e]+$/)
    .nullable(),
  targets: z.array(AuditTarget).max(AUDIT_MAX_TARGETS).default([]),
  outcome: AuditOutcome.default('ok'),
  code: z
    .string()
    .max(64)
    .regex(/^[a-z0-9_.-]+$/)
    .nullable()
    .default(null),
});
export type AuditEntry = z.input<typeof AuditEntry>;

/** What is sent to the server so a rewritten local history is detectable from outside. */
export interface AuditHeadPayload {
  readonly deviceId: string;
  readonly seq: number;
  readonly hash: string;
  readonly mac: string;
}

export interface AuditQuery {
  /** Only this staff member's records (null: records before any sign-in); undefined for all. */
  readonly staffId?: string | null;
  readonly beforeSeq?: number;
  readonly limit: number;
}

export interface AuditExportRequest {
  readonly format: AuditExportFormat;
  /** Only this staff member's records; undefined for every record on the device. */
  readonly staffId?: string;
  readonly fromSeq?: number;
  readonly limit: number;
  /** Who exports; recorded in the 'audit.export' record. */
  readonly actor: string | null;
}

export interface AuditLog {
  readonly deviceId: string;
  append(entry: AuditEntry): AuditRecordView;
  /** Appends in one transaction (one fsync), in order. */
  appendMany(entries: readonly AuditEntry[]): AuditRecordView[];
  head(): AuditHeadPayload;
  /** Hex hash of the record at seq; null when there is none, undefined when retention removed it. */
  hashAt(seq: number): string | null | undefined;
  page(query: AuditQuery): AuditPage;
  verify(options?: { trustedHeads?: readonly AuditHead[] }): AuditVerifyResult;
  /** verify() that yields to the event loop between pages (for IPC handlers in main). */
  verifyAsync(options?: { trustedHeads?: readonly AuditHead[] }): Promise<AuditVerifyResult>;
  exportText(request: AuditExportRequest): { text: string; count: number; nextFromSeq: number | null };
  exportToFile(file: string, request: Omit<AuditExportRequest, 'limit' | 'fromSeq'>): { count: number };
  /** Removes the oldest records past retention, keeping an anchor and a checkpoint record. */
  purge(options?: { retentionMs?: number }): { removed: number; through: number };
  close(): void;
}

export interface OpenAuditLogOptions {
  readonly file: string;
  readonly dbKey: Buffer;
  readonly macKey: Buffer;
  readonly deviceId: string;
  readonly now?: () => number;
  /** Where the last known head is kept; default `<file>.head`. */
  readonly headFile?: string;
  readonly log?: Logger;
  /** Told when an older page format is converted in place on open (the composition audits it). */
  readonly onFormatMigration?: (event: FormatMigrationEvent) => void;
}

const WRONG_KEY = 'The audit trail on this computer could not be opened with this device key.';
const TOO_NEW = 'The audit trail was written by a newer version of Sealwire.';
const PAGE = 5_000;

interface Stored {
  readonly seq: number;
  readonly record: string;
  readonly mac: Buffer;
}

/** A stored record for the screen; an edited (unreadable) one shows as an error, verify says more. */
function toView(row: Stored, deviceId: string): AuditRecordView {
  const f = parseRecord(row.record);
  const known = f !== null && AuditEventType.safeParse(f.event).success && AuditOutcome.safeParse(f.outcome).success;
  if (f === null || !known) {
    return { seq: row.seq, time: 0, staffId: null, deviceId, event: 'admin.command', targets: [], outcome: 'error', code: 'audit.unreadable' };
  }
  return {
    seq: row.seq,
    time: f.time,
    staffId: f.staffId,
    deviceId: f.deviceId,
    event: f.event as AuditRecordView['event'],
    targets: [...f.targets],
    outcome: f.outcome as AuditRecordView['outcome'],
    code: f.code,
  };
}

function toExport(row: Stored, deviceId: string): ExportRecord {
  const f = parseRecord(row.record);
  return {
    ...toView(row, deviceId),
    prevHash: f?.prevHash ?? '',
    hash: hashRecord(row.record).toString('hex'),
    mac: row.mac.toString('hex'),
  };
}

export function openAuditLog(options: OpenAuditLogOptions): AuditLog {
  const { deviceId } = options;
  if (!/^[\x21-\x7e]{1,128}$/.test(deviceId)) throw new Error('device id must be a short opaque id');
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const mac = createMac(options.macKey);
  const hexMac = createHexMac(options.macKey);
  const headFile = options.headFile ?? `${options.file}.head`;

  const db = openEncryptedDb(options.file, options.dbKey, options.onFormatMigration);
  if (db === null) throw new CoreError('damaged_store', WRONG_KEY);
  if (migrateAuditSchema(db) === 'too_new') {
    db.close();
    throw new CoreError('store_too_new', TOO_NEW);
  }

  const insert = db.prepare<[number, string, Buffer]>('INSERT INTO audit (seq, record, mac) VALUES (?, ?, ?)');
  const lastRow = db.prepare<[], Stored>('SELECT seq, record, mac FROM audit ORDER BY seq DESC LIMIT 1');
  const recordAt = db.prepare<[number], { record: string }>('SELECT record FROM audit WHERE seq = ?');
  const anchorRow = db.prepare<[], StoredHead>('SELECT seq, hash, mac FROM audit_anchor WHERE id = 1');
  const pageFrom = db
    .prepare<[number, number], AuditRow>('SELECT seq, record, lower(hex(mac)) FROM audit WHERE seq > ? ORDER BY seq LIMIT ?')
    .raw(true);
  const oldest = db.prepare<[number, number], { seq: number; time: number | null; record: string; mac: Buffer }>(
    'SELECT seq, time, record, mac FROM audit WHERE seq > ? ORDER BY seq LIMIT ?',
  );

  const anchor = (): ChainAnchor => {
    const a = anchorRow.get();
    return a === undefined ? { seq: 0, hash: GENESIS_HASH, mac: null } : { seq: a.seq, hash: a.hash, mac: a.mac };
  };
  const tip = (): StoredHead => {
    const last = lastRow.get();
    if (last !== undefined) return { seq: last.seq, hash: hashRecord(last.record), mac: last.mac };
    const a = anchor();
    return { seq: a.seq, hash: a.hash, mac: a.mac ?? Buffer.alloc(32) };
  };

  const writeAll = (entries: readonly z.output<typeof AuditEntry>[]): AuditRecordView[] => {
    const start = tip();
    let seq = start.seq;
    let prevHash = start.hash.toString('hex');
    const time = Math.max(0, Math.trunc(now()));
    const out: AuditRecordView[] = [];
    for (const e of entries) {
      seq++;
      const view = { seq, time, staffId: e.staffId, deviceId, event: e.event, targets: e.targets, outcome: e.outcome, code: e.code };
      const record = canonicalRecord({ ...view, prevHash });
      const hash = hashRecord(record);
      insert.run(seq, record, mac(hash));
      out.push(view);
      prevHash = hash.toString('hex');
    }
    return out;
  };
  const appendTx = db.transaction(writeAll);

  // The records are committed already; a head file that cannot be written only weakens truncation checks.
  const publishHead = () => {
    try {
      writeHeadFile(headFile, tip());
    } catch (err) {
      log.error('audit.head_write_failed', { error: err });
    }
  };

  const appendMany = (entries: readonly AuditEntry[]): AuditRecordView[] => {
    if (entries.length === 0) return [];
    const parsed = entries.map((e) => {
      const r = AuditEntry.safeParse(e);
      if (!r.success) throw new CoreError('invalid_request', 'The audit record was not in the expected form.');
      return r.data;
    });
    const records = appendTx.immediate(parsed);
    publishHead();
    return records;
  };

  function* pages(): Generator<readonly AuditRow[]> {
    // Pages, not one long iterator: the connection stays usable between pages.
    for (let after = 0; ; ) {
      const page = pageFrom.all(after, PAGE);
      if (page.length === 0) return;
      yield page;
      after = (page[page.length - 1] as AuditRow)[0];
    }
  }

  const verifyInput = (extra: readonly AuditHead[] = []) => {
    const trusted: AuditHead[] = [...extra];
    const file = readHeadFile(headFile, mac);
    if (file.kind === 'ok') trusted.push({ seq: file.head.seq, hash: file.head.hash.toString('hex') });
    const input: VerifyInput = { pages, anchor: anchor(), mac: hexMac, trustedHeads: trusted };
    return { input, headFileBad: file.kind === 'bad' };
  };
  // A head file that is not ours means something rewrote it. Named as seq 0, which is no record.
  const withHeadFileResult = (v: { headFileBad: boolean }, result: AuditVerifyResult): AuditVerifyResult => {
    if (!v.headFileBad) return result;
    const problems = result.ok ? [] : result.problems;
    return { ok: false, problems: [{ seq: 0, kind: 'bad_mac' }, ...problems], more: result.ok ? false : result.more };
  };
  const withHeadFile = (extra: readonly AuditHead[] | undefined, run: (input: VerifyInput) => AuditVerifyResult) => {
    const v = verifyInput(extra);
    return withHeadFileResult(v, run(v.input));
  };

  const byAll = db.prepare<[number, number], Stored>('SELECT seq, record, mac FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?');
  const byStaff = db.prepare<[string, number, number], Stored>(
    'SELECT seq, record, mac FROM audit WHERE staff_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const byNoStaff = db.prepare<[number, number], Stored>(
    'SELECT seq, record, mac FROM audit WHERE staff_id IS NULL AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const select = (staffId: string | null | undefined, before: number, limit: number): Stored[] => {
    if (staffId === undefined) return byAll.all(before, limit);
    if (staffId === null) return byNoStaff.all(before, limit);
    return byStaff.all(staffId, before, limit);
  };
  const fwdAll = db.prepare<[number, number], Stored>('SELECT seq, record, mac FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?');
  const fwdByStaff = db.prepare<[string, number, number], Stored>(
    'SELECT seq, record, mac FROM audit WHERE staff_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
  );
  const selectForward = (staffId: string | undefined, from: number, limit: number): Stored[] =>
    staffId === undefined ? fwdAll.all(from, limit) : fwdByStaff.all(staffId, from, limit);

  const recordExport = (request: Pick<AuditExportRequest, 'format' | 'staffId' | 'actor'>, count: number) => {
    const scope = request.staffId === undefined ? 'scope:device' : `staff:${request.staffId}`;
    appendMany([{ event: 'audit.export', staffId: request.actor, targets: [`format:${request.format}`, `count:${count}`, scope] }]);
  };

  const purgeTx = db.transaction((retentionMs: number): { removed: number; through: number } => {
    const cutoff = now() - retentionMs;
    const from = anchor().seq;
    // Only a whole oldest prefix goes: stop at the first record still inside retention.
    let through = from;
    let at: { seq: number; record: string; mac: Buffer } | undefined;
    scan: for (let after = from; ; ) {
      const page = oldest.all(after, PAGE);
      if (page.length === 0) break;
      for (const row of page) {
        if (row.time === null || row.time >= cutoff) break scan;
        through = row.seq;
        at = row;
      }
      after = (page[page.length - 1] as { seq: number }).seq;
    }
    if (at === undefined || through <= from) return { removed: 0, through: from };
    db.prepare('UPDATE audit_gate SET purging = 1 WHERE id = 1').run();
    db.prepare('DELETE FROM audit_anchor').run();
    db.prepare('INSERT INTO audit_anchor (id, seq, hash, mac) VALUES (1, ?, ?, ?)').run(through, hashRecord(at.record), at.mac);
    const removed = db.prepare('DELETE FROM audit WHERE seq <= ?').run(through).changes;
    db.prepare('UPDATE audit_gate SET purging = 0 WHERE id = 1').run();
    writeAll([{ event: 'audit.checkpoint', staffId: null, targets: [`through:${through}`], outcome: 'ok', code: null }]);
    return { removed, through };
  });

  return {
    deviceId,
    append: (entry) => appendMany([entry])[0] as AuditRecordView,
    appendMany,
    head() {
      const t = tip();
      return { deviceId, seq: t.seq, hash: t.hash.toString('hex'), mac: t.mac.toString('hex') };
    },
    hashAt(seq) {
      const a = anchor();
      if (seq < a.seq) return undefined;
      if (seq === a.seq) return a.hash.toString('hex');
      const row = recordAt.get(seq);
      return row === undefined ? null : hashRecord(row.record).toString('hex');
    },
    page({ staffId, beforeSeq, limit }) {
      const found = select(staffId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit + 1);
      const page = found.slice(0, limit);
      const lastOnPage = page.at(-1);
      return {
        records: page.map((r) => toView(r, deviceId)),
        nextBeforeSeq: found.length > limit && lastOnPage !== undefined ? lastOnPage.seq : null,
      };
    },
    verify: (opts = {}) => withHeadFile(opts.trustedHeads, verifyChain),
    verifyAsync: async (opts = {}) => {
      const input = verifyInput(opts.trustedHeads);
      return withHeadFileResult(input, await verifyChainAsync(input.input));
    },
    exportText(request) {
      const found = selectForward(request.staffId, request.fromSeq ?? 1, request.limit + 1);
      const page = found.slice(0, request.limit);
      const lines = page.map((r) => formatRecord(request.format, toExport(r, deviceId)));
      if (request.format === 'csv') lines.unshift(CSV_HEADER);
      const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      recordExport(request, page.length);
      const next = found[request.limit];
      return { text, count: page.length, nextFromSeq: next === undefined ? null : next.seq };
    },
    exportToFile(file, request) {
      const fd = fs.openSync(file, 'w', 0o600);
      let count = 0;
      try {
        if (request.format === 'csv') fs.writeSync(fd, `${CSV_HEADER}\n`);
        for (let from = 1; ; ) {
          const found = selectForward(request.staffId, from, PAGE);
          if (found.length === 0) break;
          fs.writeSync(fd, found.map((r) => `${formatRecord(request.format, toExport(r, deviceId))}\n`).join(''));
          count += found.length;
          from = (found[found.length - 1] as Stored).seq + 1;
        }
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      recordExport(request, count);
      return { count };
    },
    purge(opts = {}) {
      const result = purgeTx.immediate(opts.retentionMs ?? DEFAULT_AUDIT_RETENTION_MS);
      if (result.removed > 0) publishHead();
      return result;
    },
    close() {
      if (db.open) db.close();
    },
  };
}
