import type { AuditExportFormat } from '../../shared/contract/audit.ts';
import type { RecordFields } from './canonical.ts';

/** A record as exported: everything, hashes in hex, so an outside tool can re-check the chain. */
export interface ExportRecord extends RecordFields {
  readonly hash: string;
  readonly mac: string;
}

export const CSV_HEADER = 'seq,time,time_utc,staff_id,device_id,event,targets,outcome,code,prev_hash,hash,mac';

/** Quotes when needed and defuses spreadsheet formulas (a cell starting with = + - @ runs as code in Excel). */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function formatRecord(format: AuditExportFormat, r: ExportRecord): string {
  if (format === 'jsonl') return JSON.stringify(r);
  return [
    String(r.seq),
    String(r.time),
    new Date(r.time).toISOString(),
    csvCell(r.staffId ?? ''),
    csvCell(r.deviceId),
    csvCell(r.event),
    csvCell(r.targets.join(' ')),
    csvCell(r.outcome),
    csvCell(r.code ?? ''),
    r.prevHash,
    r.hash,
    r.mac,
  ].join(',');
}
