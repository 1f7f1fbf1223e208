import fs from 'node:fs';
import type {
  AuditHead,
  AuditTrailState,
  AuditIntegrityKind,
  AuditIntegrityProblem,
  AuditProblem,
  AuditRecordView,
} from '../../../shared/contract/audit.ts';
import { CoreError } from '../errors.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { fileIdentity, moveAside, sameFile, type FileIdentity } from './file-identity.ts';
import { checkAgainstKnownHeads } from './head-check.ts';
import { MAX_ACKED_HEADS, readKeychainHead, writeKeychainHead, type KeychainHead } from './keychain-head.ts';
import { deriveAuditKeys, type AuditKeys } from '../../../node-shared/audit/keys.ts';
import { openAuditLog, type AuditEntry, type AuditLog } from './log.ts';
import { reportFormatMigration } from '../sqlite/migration-report.ts';

export const AUDIT_UNAVAILABLE =
  'The activity record on this computer cannot be written right now, so patient information is closed. ' +
  'Try again in a moment; if this continues, tell your administrator.';
export const AUDIT_NEEDS_ACKNOWLEDGEMENT =
  'The activity record on this computer was removed, replaced or cut short outside Sealwire. ' +
  'Patient information stays closed until your administrator reviews and acknowledges the problem.';

/** One-shot timers as injected dependencies (a fake clock in tests). */
export interface TrailTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTrailTimers: TrailTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AuditTrailOptions {
  readonly file: string;
  readonly keychain: Keychain;
  /** The device key (from the keychain; the caller creates it on first use) and its public fingerprint. */
  readonly deviceKey: () => Promise<{ key: Buffer; deviceId: string }>;
  readonly log: Logger;
  /** Spacing of retries and when a problem was found (records keep wall-clock time). */
  readonly now?: () => number;
  readonly timers?: TrailTimers;
  /** Retention applied once the trail is open and checked. */
  readonly retentionMs: () => number;
  /** The keychain copy of the head lags the file by at most this many records (keeps appends fast). */
  readonly flushEveryRecords?: number;
  /** How often the file's identity is checked and a lagging keychain head is written while idle. */
  readonly checkIntervalMs?: number;
}

/**
 * The device audit trail with its guard: it is opened only after being compared with the head kept
 * in the OS keychain, every append either lands or fails the caller, and PHI stays closed while it
 * cannot be written or while an integrity problem waits for an administrator.
 */
export interface AuditTrail {
  /** Opens (or re-opens) the trail; never throws: failures leave it unavailable. */
  start(): Promise<void>;
  /** The open log for reads (activity, verify, export); null while unavailable. */
  current(): AuditLog | null;
  /** Key for keyed-hash targets (search terms, addresses). */
  refKey(): Buffer;
  /** The open log, or CoreError('audit_unavailable') for the audit.* calls. */
  require(): AuditLog;
  /** Appends one record or throws CoreError('audit_unavailable'). */
  append(entry: AuditEntry): AuditRecordView;
  /** Appends a record of something that is not a refusable call (a session transition): a failure is logged and closes PHI. */
  record(entry: AuditEntry): void;
  /** The PHI gate: throws CoreError('audit_unavailable') unless records can be written and nothing waits for acknowledgement. */
  ensureWritable(): Promise<void>;
  /** Checks the file now (so a deletion is seen at once), then says where the trail stands. */
  integrity(): Promise<AuditTrailState>;
  /** Admin only (the caller checks): records the acknowledgement and reopens PHI. */
  acknowledge(staffId: string): Promise<AuditTrailState>;
  /** Pending integrity problems as verify reports them. */
  verifyProblems(): AuditProblem[];
  /** Heads the server acknowledged (persisted in the keychain). */
  trustedHeads(): AuditHead[];
  rememberAcknowledgedHead(head: AuditHead): void;
  /** Writes the keychain copy of the head now (lock, sign-out, quit). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const ZERO_HASH = '0'.repeat(64);
const EMPTY: KeychainHead = { seq: 0, hash: ZERO_HASH, acked: [], pending: [] };
const RETRY_MS = 5_000;
const MAX_PENDING = 16;

const unavailableError = () => new CoreError('audit_unavailable', AUDIT_UNAVAILABLE);

/** Wrong key or not a database (CoreError from openAuditLog), or pages that fail their check. */
function isUnreadable(err: unknown): boolean {
  if (err instanceof CoreError) return err.code === 'damaged_store';
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { file, keychain, log } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? systemTrailTimers;
  const flushEvery = options.flushEveryRecords ?? 256;
  const checkMs = options.checkIntervalMs ?? 5_000;

  let audit: AuditLog | null = null;
  let keys: AuditKeys | null = null;
  let identity: FileIdentity | null = null;
  /** Why records cannot be written now (null: they can). */
  let unavailable: string | null = 'not_started';
  /** What the keychain should hold; `persistedSeq` is what it holds. */
  let known: KeychainHead = EMPTY;
  let persistedSeq = -1;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let exclusive: Promise<void> = Promise.resolve();
  let persisting: Promise<boolean> = Promise.resolve(true);
  let timer: unknown = null;
  let closed = false;

  /** Opens, checks and reopens one at a time: two PHI calls seeing a deleted file must not both recreate it. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    const next = exclusive.then(work, work);
    exclusive = next.catch(() => undefined);
    return next;
  };

  const fail = (reason: string, err: unknown) => {
    unavailable = reason;
    log.warn('audit.unavailable', { reason, error: err });
  };

  // At most one write waits behind the one in flight; it takes the tip as it is when it runs.
  let queued = false;
  const persist = (): Promise<boolean> => {
    if (queued) return persisting;
    queued = true;
    persisting = persisting.then(async () => {
      queued = false;
      const handle = audit;
      if (handle === null || keys === null) return false;
      const tip = handle.head();
      const next: KeychainHead = { ...known, seq: tip.seq, hash: tip.hash };
      try {
        await writeKeychainHead(keychain, keys.macKey, next);
        known = { ...known, seq: next.seq, hash: next.hash };
        persistedSeq = next.seq;
        if (unavailable === 'keychain') unavailable = null;
        return true;
      } catch (err) {
        fail('keychain', err);
        return false;
      }
    });
    return persisting;
  };

  // A conversion to the current page format is recorded in the trail itself once it is open.
  let converted: AuditEntry[] = [];
  const openLog = (k: AuditKeys, deviceId: string) =>
    openAuditLog({
      file,
      dbKey: k.dbKey,
      macKey: k.macKey,
      deviceId,
      log,
      onFormatMigration: reportFormatMigration('audit', { record: (entry) => converted.push(entry), log }),
    });

  /**
   * Opens the file and compares it with the known heads; a file that cannot be read (wrong key, not
   * a database, a corrupt page on the way to its head) is kept aside and a new trail starts.
   */
  const openReadable = (k: AuditKeys, deviceId: string, knownHeads: readonly AuditHead[]): { log: AuditLog; kind: AuditIntegrityKind | null } => {
    try {
      const opened = openLog(k, deviceId);
      try {
        const seq = opened.head().seq;
        return { log: opened, kind: checkAgainstKnownHeads({ seq, hashAt: (s) => opened.hashAt(s) }, knownHeads) };
      } catch (err) {
        opened.close();
        throw err;
      }
    } catch (err) {
      if (!isUnreadable(err)) throw err;
      moveAside(file, now());
      return { log: openLog(k, deviceId), kind: 'unreadable' };
    }
  };

  /** `previous` is the head of a handle whose file changed under it: stronger than the keychain's lagging copy. */
  const openChecked = async (previous?: AuditHead): Promise<void> => {
    lastAttempt = now();
    let deviceId: string;
    let stored: Awaited<ReturnType<typeof readKeychainHead>>;
    try {
      const device = await options.deviceKey();
      keys = deriveAuditKeys(device.key);
      deviceId = device.deviceId;
      device.key.fill(0);
      stored = await readKeychainHead(keychain, keys.macKey);
    } catch (err) {
      fail('keychain', err);
      return;
    }
    const base = stored.kind === 'ok' ? stored.head : EMPTY;
    const knownHeads: AuditHead[] = [{ seq: base.seq, hash: base.hash }, ...base.acked, ...(previous ? [previous] : [])];
    const knownSeq = Math.max(...knownHeads.map((h) => h.seq));
    // Only a device whose keychain never held a head may start a trail from nothing.
    const hadTrail = stored.kind !== 'none' || previous !== undefined;
    const exists = fs.existsSync(file);
    let kind: AuditIntegrityKind | null = !exists && hadTrail ? 'deleted' : stored.kind === 'bad' ? 'replaced' : null;

    let opened: AuditLog;
    try {
      const found = openReadable(keys, deviceId, kind === null ? knownHeads : []);
      opened = found.log;
      // Without a head in the keychain nothing was promised: a file the device key cannot read is
      // what a remote wipe leaves (the key is gone); it is kept aside and a trail starts.
      if (found.kind === 'unreadable' && !hadTrail) log.warn('audit.unreadable_without_head', {});
      else kind = kind ?? found.kind;
    } catch (err) {
      fail('open', err);
      return;
    }
    try {
      let pending = base.pending;
      if (kind !== null) {
        const problem: AuditIntegrityProblem = { kind, knownSeq, foundSeq: kind === 'unreadable' ? 0 : opened.head().seq, detectedAt: Math.max(0, Math.trunc(now())) };
        pending = [...pending, problem].slice(-MAX_PENDING);
        opened.append({
          event: 'audit.integrity',
          staffId: null,
          targets: [`kind:${kind}`, `known_seq:${problem.knownSeq}`, `found_seq:${problem.foundSeq}`],
          outcome: 'error',
          code: `trail_${kind}`,
        });
        log.error('audit.integrity_problem', { kind, knownSeq, foundSeq: problem.foundSeq });
      }
      if (converted.length > 0) opened.appendMany(converted);
      converted = [];
      const purged = opened.purge({ retentionMs: options.retentionMs() });
      audit = opened;
      identity = fileIdentity(file);
      known = { seq: 0, hash: ZERO_HASH, acked: base.acked, pending };
      unavailable = null;
      log.info('audit.opened', { count: opened.head().seq, size: purged.removed });
    } catch (err) {
      opened.close();
      audit = null;
      fail('open', err);
      return;
    }
    // The keychain learns at once that this device has a trail, and of any problem found.
    await persist();
  };

  /** The file at the path is no longer the one we write (deleted, moved, replaced): reopen and compare. */
  const checkFile = (): Promise<void> =>
    serial(async () => {
      const handle = audit;
      if (handle === null || sameFile(fileIdentity(file), identity)) return;
      let previous: AuditHead | undefined;
      try {
        const h = handle.head();
        previous = { seq: h.seq, hash: h.hash };
      } catch {
        previous = undefined;
      }
      handle.close();
      audit = null;
      identity = null;
      log.error('audit.file_changed', { seq: previous?.seq ?? 0 });
      await openChecked(previous);
    });

  const retry = (): Promise<void> =>
    serial(async () => {
      if (closed || (audit !== null && unavailable === null)) return;
      if (now() - lastAttempt < RETRY_MS) return;
      lastAttempt = now();
      if (audit === null) await openChecked();
      else await persist();
    });

  const tick = () => {
    timer = null;
    if (closed) return;
    void checkFile()
      .then(async () => {
        if (audit !== null && audit.head().seq !== persistedSeq) await persist();
      })
      .catch((err: unknown) => log.warn('audit.check_failed', { error: err }))
      .finally(() => {
        if (!closed) timer = timers.setTimeout(tick, checkMs);
      });
  };

  const integrityNow = (): AuditTrailState => ({
    state: audit === null ? 'unavailable' : known.pending.length > 0 ? 'needs_acknowledgement' : unavailable === null ? 'ok' : 'unavailable',
    problems: [...known.pending],
  });

  const append = (entry: AuditEntry): AuditRecordView => {
    const handle = audit;
    if (handle === null) throw unavailableError();
    let record: AuditRecordView;
    try {
      record = handle.append(entry);
    } catch (err) {
      if (err instanceof CoreError && err.code === 'invalid_request') throw err;
      fail('append', err);
      throw unavailableError();
    }
    if (record.seq - Math.max(persistedSeq, 0) >= flushEvery) void persist();
    return record;
  };

  return {
    async start() {
      closed = false;
      await serial(async () => {
        if (audit === null) await openChecked();
      });
      if (timer === null && !closed) timer = timers.setTimeout(tick, checkMs);
    },
    current: () => audit,
    require() {
      if (audit === null) throw unavailableError();
      return audit;
    },
    record(entry) {
      try {
        append(entry);
      } catch (err) {
        log.error('audit.append_failed', { event: entry.event, error: err });
      }
    },
    refKey: () => keys?.refKey ?? Buffer.alloc(32),
    append,
    async ensureWritable() {
      if (audit === null || unavailable !== null) await retry();
      await checkFile();
      if (audit === null || (unavailable !== null && known.pending.length === 0)) throw unavailableError();
      if (known.pending.length > 0) throw new CoreError('audit_unavailable', AUDIT_NEEDS_ACKNOWLEDGEMENT);
    },
    async integrity() {
      if (audit === null || unavailable !== null) await retry();
      await checkFile();
      return integrityNow();
    },
    async acknowledge(staffId) {
      await checkFile();
      const handle = audit;
      if (handle === null) throw unavailableError();
      const problems = known.pending;
      if (problems.length === 0) return integrityNow();
      const kinds = [...new Set(problems.map((p) => `kind:${p.kind}`))];
      append({ event: 'audit.acknowledge', staffId, targets: [...kinds, `problems:${problems.length}`].slice(0, 8), outcome: 'ok' });
      // Heads the server saw for records this trail no longer has were reported; keep only those it still matches.
      known = { ...known, pending: [], acked: known.acked.filter((h) => handle.hashAt(h.seq) === h.hash) };
      if (!(await persist())) throw unavailableError();
      return integrityNow();
    },
    verifyProblems: () => known.pending.map((p) => ({ seq: p.knownSeq, kind: `trail_${p.kind}` as const })),
    trustedHeads: () => [...known.acked],
    rememberAcknowledgedHead(head) {
      known = { ...known, acked: [...known.acked.filter((h) => h.seq !== head.seq), head].slice(-MAX_ACKED_HEADS) };
      void persist();
    },
    async flush() {
      if (audit !== null && audit.head().seq !== persistedSeq) await persist();
      else await persisting;
    },
    async close() {
      closed = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      await serial(async () => {
        if (audit !== null && audit.head().seq !== persistedSeq) await persist();
        await persisting;
        audit?.close();
        audit = null;
        unavailable = 'closed';
      });
    },
  };
}
