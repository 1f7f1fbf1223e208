import path from 'node:path';
import { deriveAuditKeys } from '../audit/keys.ts';
import { openAuditLog, type AuditEntry, type AuditLog } from '../audit/log.ts';
import { CoreError } from '../errors.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import { reportFormatMigration } from '../sqlite/migration-report.ts';
import { deviceFingerprint, loadOrCreateDeviceKey } from '../vault/device-key.ts';

const NO_AUDIT = 'The activity record is not available because the system keychain is not answering.';

export interface AuditTrail {
  /** The device audit log, or null while no keychain answers (then nothing PHI is stored either). */
  current(): AuditLog | null;
  /** The open log, or CoreError('keychain_unavailable') for the audit.* calls. */
  require(): AuditLog;
  /** Appends one record; a failed append is logged, never thrown into the caller's work. */
  record(entry: AuditEntry): void;
  /** The key that turns identifying request values into keyed references (zeros until opened). */
  refKey(): Buffer;
  /** Opens the trail with the device key from the keychain; safe to call again after the keychain returns. */
  open(): Promise<void>;
  close(): void;
}

/**
 * The device audit trail as the session owns it: opened at start-up with keys derived from the
 * device key, old records purged to the policy's retention, appends that never throw.
 */
export function createAuditTrail(deps: {
  dataDir: string;
  keychain: Keychain;
  log: Logger;
  retentionYears: () => number;
}): AuditTrail {
  const { log } = deps;
  let audit: AuditLog | null = null;
  let refKey: Buffer = Buffer.alloc(32);
  return {
    current: () => audit,
    require() {
      if (audit === null) throw new CoreError('keychain_unavailable', NO_AUDIT);
      return audit;
    },
    record(entry) {
      if (audit === null) return;
      try {
        audit.append(entry);
      } catch (err) {
        log.error('audit.append_failed', { event: entry.event, error: err });
      }
    },
    refKey: () => refKey,
    async open() {
      if (audit !== null) return;
      try {
        const deviceKey = await loadOrCreateDeviceKey(deps.keychain);
        const keys = deriveAuditKeys(deviceKey);
        refKey = keys.refKey;
        // The trail records its own conversion to the current page format once it is open.
        const converted: AuditEntry[] = [];
        audit = openAuditLog({
          file: path.join(deps.dataDir, 'audit', 'audit.db'),
          dbKey: keys.dbKey,
          macKey: keys.macKey,
          deviceId: deviceFingerprint(deviceKey),
          log,
          onFormatMigration: reportFormatMigration('audit', { record: (entry) => converted.push(entry), log }),
        });
        if (converted.length > 0) audit.appendMany(converted);
        deviceKey.fill(0);
        const purged = audit.purge({ retentionMs: Math.round(deps.retentionYears() * 365.25 * 24 * 60 * 60 * 1000) });
        log.info('audit.opened', { count: audit.head().seq, size: purged.removed });
      } catch (err) {
        log.warn('audit.unavailable', { error: err });
      }
    },
    close() {
      audit?.close();
      audit = null;
    },
  };
}
