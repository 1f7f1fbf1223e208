// npm run bench:audit — batched append rate and the time to verify a 1,000,000-record chain.
// Prints one JSON object as the last line. Targets: audit_append_per_s >= 20000, audit_verify_1m_s <= 5.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveAuditKeys } from '../node-shared/audit/keys.ts';
import { openAuditLog, type AuditEntry } from '../electron/core/audit/log.ts';

const TOTAL = Number(process.env.AUDIT_BENCH_RECORDS ?? 1_000_000);
const BATCH = 1_000;
const APPEND_SAMPLE = 100_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-bench-audit-'));
try {
  const keys = deriveAuditKeys(crypto.randomBytes(32));
  const log = openAuditLog({ file: path.join(dir, 'audit.db'), dbKey: keys.dbKey, macKey: keys.macKey, deviceId: 'dev_bench01' });
  const events = ['conversation.open', 'message.send', 'attachment.view', 'search'] as const;
  const batch = (n: number): AuditEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      event: events[i % events.length] as AuditEntry['event'],
      staffId: `p_${(i % 7).toString(16).padStart(12, '0')}`,
      targets: [`c_${crypto.randomUUID()}`],
    }));

  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let written = 0;
  while (written < TOTAL) {
    const n = Math.min(BATCH, TOTAL - written);
    const entries = batch(n);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    log.appendMany(entries);
    if (written < APPEND_SAMPLE) {
      samples.push((performance.now() - t0) / n);
      const c = process.cpuUsage(c0);
      cpuSamples.push((c.user + c.system) / 1000 / n);
    }
    written += n;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const perRecordMs = mean(samples);

  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const result = log.verify();
  const verifyS = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu1);
  const verifyCpuS = (cpu.user + cpu.system) / 1e6;
  if (!result.ok || result.count !== TOTAL) throw new Error(`bench chain did not verify: ${JSON.stringify(result).slice(0, 200)}`);
  log.close();

  const label = TOTAL === 1_000_000 ? '1m' : String(TOTAL);
  const figures = {
    audit_append_per_s: Math.round(1000 / perRecordMs),
    audit_append_cpu_per_s: Math.round(1000 / mean(cpuSamples)),
    audit_append_batch: BATCH,
    audit_verify_records: TOTAL,
    [`audit_verify_${label}_s`]: Number(verifyS.toFixed(3)),
    // The machine is shared; CPU seconds show the cost without other processes' share of the cores.
    [`audit_verify_${label}_cpu_s`]: Number(verifyCpuS.toFixed(3)),
    audit_db_bytes: fs.statSync(path.join(dir, 'audit.db')).size,
  };
  console.log(JSON.stringify(figures));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
