import type { AuditHead, AuditProblem, AuditVerifyResult } from '../../shared/contract/audit.ts';
import { CANONICAL_TAG, hashRecordHex, parseRecord, type HexMacFn, type RecordFields } from './canonical.ts';

/** One stored record as read from the database: seq, canonical text, MAC in lowercase hex (a raw row, for speed). */
export type AuditRow = readonly [seq: number, record: string, macHex: string];

/** Where the remaining chain starts: genesis (seq 0, zero hash) or the last record removed by retention. */
export interface ChainAnchor {
  readonly seq: number;
  readonly hash: Buffer;
  /** The removed record's own MAC, so a forged anchor is detectable; null for genesis. */
  readonly mac: Buffer | null;
}

export interface VerifyInput {
  /** Iterates the stored records in ascending seq, a page at a time; called again if the fast pass finds a problem. */
  readonly pages: () => Iterable<readonly AuditRow[]>;
  readonly anchor: ChainAnchor;
  readonly mac: HexMacFn;
  /** Heads known from outside the database (head file, keychain, server acknowledgement). */
  readonly trustedHeads?: readonly AuditHead[];
}

export const MAX_PROBLEMS = 10_000;
const CHECKPOINT = 'audit.checkpoint';

/** The seq a checkpoint record says retention removed records through; null for other records. */
export function checkpointThrough(fields: RecordFields): number | null {
  if (fields.event !== CHECKPOINT) return null;
  for (const t of fields.targets) {
    const m = /^through:(\d{1,15})$/.exec(t);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * Walks the chain: every record's MAC over the hash of its stored canonical text, its seq, its
 * link to the previous record, no gaps, the retention anchor and the trusted heads. The common
 * case (nothing wrong) is one streaming pass; any problem triggers a second, diagnostic pass that
 * names each bad record and how.
 */
export function verifyChain(input: VerifyInput): AuditVerifyResult {
  const pass = new FastPass(input);
  for (const page of input.pages()) {
    if (!pass.page(page)) return diagnose(input);
  }
  return pass.finish() ?? diagnose(input);
}

/** The same, giving the event loop a turn between pages, so main stays responsive on a long log. */
export async function verifyChainAsync(input: VerifyInput): Promise<AuditVerifyResult> {
  const pass = new FastPass(input);
  for (const page of input.pages()) {
    if (!pass.page(page)) return diagnose(input);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return pass.finish() ?? diagnose(input);
}

/** The streaming check, fed one page at a time; false (or a null result) means "diagnose". */
class FastPass {
  private readonly input: VerifyInput;
  private readonly anchorHex: string;
  private readonly want: Map<number, string>;
  private readonly tag = `["${CANONICAL_TAG}",`;
  private ok: boolean;
  private expected: number;
  private prevHex: string;
  private count = 0;
  private checkpointOk: boolean;

  constructor(input: VerifyInput) {
    this.input = input;
    const { anchor, mac, trustedHeads = [] } = input;
    this.anchorHex = anchor.hash.toString('hex');
    this.ok = anchor.mac === null || mac(this.anchorHex) === anchor.mac.toString('hex');
    this.want = new Map(trustedHeads.map((h) => [h.seq, h.hash]));
    this.expected = anchor.seq + 1;
    this.prevHex = this.anchorHex;
    this.checkpointOk = anchor.seq === 0;
  }

  page(page: readonly AuditRow[]): boolean {
    if (!this.ok) return false;
    const { mac, anchor } = this.input;
    const { tag, want } = this;
    const checkWant = want.size > 0;
    let expected = this.expected;
    let prevHex = this.prevHex;
    for (let i = 0; i < page.length; i++) {
      const [seq, record, storedMac] = page[i] as AuditRow;
      if (seq !== expected) return (this.ok = false);
      const hash = hashRecordHex(record);
      if (mac(hash) !== storedMac) return (this.ok = false);
      // The MAC proves we wrote this text; these two prove it sits where we wrote it.
      if (!record.startsWith(tag) || record.slice(tag.length, record.indexOf(',', tag.length)) !== String(seq)) return (this.ok = false);
      if (record.slice(-66, -2) !== prevHex) return (this.ok = false);
      prevHex = hash;
      if (checkWant && want.has(seq) && want.get(seq) !== prevHex) return (this.ok = false);
      if (!this.checkpointOk && record.includes(`"${CHECKPOINT}"`)) {
        const fields = parseRecord(record);
        this.checkpointOk = fields !== null && checkpointThrough(fields) === anchor.seq;
      }
      expected++;
    }
    this.count += expected - this.expected;
    this.expected = expected;
    this.prevHex = prevHex;
    return true;
  }

  finish(): AuditVerifyResult | null {
    if (!this.ok || !this.checkpointOk) return null;
    const last = this.expected - 1;
    for (const head of this.input.trustedHeads ?? []) {
      if (head.seq > last || (head.seq === this.input.anchor.seq && head.hash !== this.anchorHex)) return null;
    }
    return { ok: true, count: this.count, head: { seq: last, hash: this.prevHex } };
  }
}

interface Examined {
  readonly seq: number;
  readonly hash: string;
  readonly fields: RecordFields | null;
  readonly authentic: boolean;
}

function diagnose({ pages, anchor, mac, trustedHeads = [] }: VerifyInput): AuditVerifyResult {
  const problems: AuditProblem[] = [];
  let more = false;
  const flagged = new Set<number>();
  const report = (seq: number, kind: AuditProblem['kind']) => {
    if (flagged.has(seq)) return;
    if (problems.length >= MAX_PROBLEMS) {
      more = true;
      return;
    }
    flagged.add(seq);
    problems.push({ seq, kind });
  };

  const anchorHex = anchor.hash.toString('hex');
  if (anchor.mac !== null && mac(anchorHex) !== anchor.mac.toString('hex')) report(anchor.seq, 'bad_mac');

  const all: Examined[] = [];
  for (const page of pages()) {
    for (const [seq, record, storedMac] of page) {
      const hash = hashRecordHex(record);
      all.push({ seq, hash, fields: parseRecord(record), authentic: mac(hash) === storedMac });
    }
  }
  const headAt = new Map(trustedHeads.map((h) => [h.seq, h.hash]));

  // Records that are not ours (inserted), or ours but edited (changed), or intact with a wrong MAC.
  // `present` holds the original seqs accounted for; authentic records carry theirs inside.
  const present = new Set<number>();
  const genuine: { seq: number; orig: number; fields: RecordFields }[] = [];
  all.forEach((e, i) => {
    const before = i > 0 ? (all[i - 1] as Examined).hash : anchorHex;
    const next = all[i + 1];
    const authentic = e.authentic && e.fields !== null;
    if (authentic && e.fields !== null) {
      const orig = e.fields.seq;
      if (present.has(orig)) {
        report(e.seq, 'inserted');
        return;
      }
      present.add(orig);
      genuine.push({ seq: e.seq, orig, fields: e.fields });
      return;
    }
    if (next !== undefined && next.fields?.prevHash === e.hash) {
      report(e.seq, 'bad_mac');
      present.add(e.seq);
    } else if (next !== undefined ? next.fields?.prevHash === before : !headAt.has(e.seq) && e.fields?.prevHash === before) {
      report(e.seq, 'inserted');
    } else {
      report(e.seq, 'changed');
      present.add(e.seq);
    }
  });

  // Authentic records out of their written order.
  const sorted = genuine.map((g) => g.orig).sort((a, b) => a - b);
  genuine.forEach((g, i) => {
    if (g.orig !== sorted[i]) report(g.seq, 'reordered');
  });

  // Records that were written but are gone: gaps, or an anchor beyond the last checkpoint.
  let lastOrig = anchor.seq;
  for (const seq of present) lastOrig = Math.max(lastOrig, seq);
  for (let seq = anchor.seq + 1; seq <= lastOrig && !more; seq++) {
    if (!present.has(seq)) report(seq, 'missing');
  }
  if (anchor.seq > 0) {
    let through = 0;
    for (const g of genuine) {
      const t = checkpointThrough(g.fields);
      if (t !== null && t <= anchor.seq) through = Math.max(through, t);
    }
    for (let seq = through + 1; seq <= anchor.seq && !more; seq++) report(seq, 'missing');
  }
  // A shortened end, or a record that differs from a head published earlier.
  for (const head of trustedHeads) {
    if (head.seq > lastOrig) {
      report(lastOrig + 1, 'truncated');
    } else if (head.seq === anchor.seq) {
      if (head.hash !== anchorHex) report(anchor.seq, 'changed');
    } else {
      const at = all.find((e) => e.fields !== null && e.authentic && e.fields.seq === head.seq);
      if (at !== undefined && at.hash !== head.hash) report(at.seq, 'changed');
    }
  }

  if (problems.length === 0) {
    // The fast pass stopped on something the diagnosis could not pin to a record; never call that ok.
    report(anchor.seq + 1, 'changed');
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: false, problems, more };
}
