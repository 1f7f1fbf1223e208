import type { AuditVerifyResult } from '../shared/contract/audit.ts';
import { canonicalRecord, createHexMac, GENESIS_HASH, hashRecordHex } from '../node-shared/audit/canonical.ts';
import { verifyChain, type AuditRow } from '../node-shared/audit/verify.ts';
import type { Db } from '../node-shared/sqlite/page-cipher.ts';

/** What the gateway records: every patient access, verification attempt, message and notification. */
export type GatewayEvent =
  | 'patient.create'
  | 'patient.resend'
  | 'patient.revoke'
  | 'patient.close'
  | 'patient.reopen'
  | 'patient.assign'
  | 'patient.list'
  | 'patient.states'
  | 'patient.link_open'
  | 'patient.verify_dob'
  | 'patient.verify_code'
  | 'patient.thread_view'
  | 'patient.reply'
  | 'patient.relay'
  | 'patient.notify'
  | 'patient.opt_out';

export interface GatewayAudit {
  /** Appends one record (ids and outcome codes only, never content, names or addresses). */
  record(event: GatewayEvent, actor: string | null, targets: readonly string[], outcome: 'ok' | 'denied' | 'failed', code?: string | null): void;
  verify(): AuditVerifyResult;
}

const DEVICE = 'patient-gateway';

/**
 * The client's tamper-evident form (node-shared/audit): canonical record text, SHA-256 chain and a
 * keyed MAC per record, in the gateway's encrypted store; `verify` is the client's verifier.
 */
export function openGatewayAudit(db: Db, macKey: Buffer, now: () => number = Date.now): GatewayAudit {
  const mac = createHexMac(macKey);
  const last = db.prepare('SELECT seq, record FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; record: string } | undefined;
  let seq = last?.seq ?? 0;
  let prevHash = last === undefined ? GENESIS_HASH.toString('hex') : hashRecordHex(last.record);
  const insert = db.prepare('INSERT INTO audit (seq, record, mac) VALUES (?, ?, ?)');
  return {
    record(event, actor, targets, outcome, code = null) {
      const fields = { seq: seq + 1, time: now(), staffId: actor, deviceId: DEVICE, event, targets: [...targets], outcome, code, prevHash };
      const text = canonicalRecord(fields);
      const hash = hashRecordHex(text);
      insert.run(fields.seq, text, mac(hash));
      seq = fields.seq;
      prevHash = hash;
    },
    verify() {
      const rows = db.prepare('SELECT seq, record, mac FROM audit ORDER BY seq').raw().all() as AuditRow[];
      return verifyChain({ pages: () => [rows], anchor: { seq: 0, hash: GENESIS_HASH, mac: null }, mac });
    },
  };
}
