import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, createHexMac, createMac, GENESIS_HASH, hashRecord } from '../../node-shared/audit/canonical.ts';
import { verifyChain, type AuditRow, type ChainAnchor } from '../../node-shared/audit/verify.ts';

const key = crypto.randomBytes(32);
const mac = createMac(key);
const hexMac = createHexMac(key);
const randomMac = () => crypto.randomBytes(32).toString('hex');
const genesis: ChainAnchor = { seq: 0, hash: GENESIS_HASH, mac: null };

/** A valid chain of n records after the given anchor, as the database would hold it. */
function chain(n: number, anchor: ChainAnchor = genesis, event = (_seq: number) => 'message.send', targets = (seq: number) => [`m_${seq}`]) {
  const rows: AuditRow[] = [];
  let prev = anchor.hash.toString('hex');
  for (let seq = anchor.seq + 1; seq <= anchor.seq + n; seq++) {
    const record = canonicalRecord({ seq, time: 1000 + seq, staffId: 'p_1', deviceId: 'dev_1', event: event(seq), targets: targets(seq), outcome: 'ok', code: null, prevHash: prev });
    const hash = hashRecord(record);
    rows.push([seq, record, mac(hash).toString('hex')]);
    prev = hash.toString('hex');
  }
  return rows;
}
const headOf = (rows: AuditRow[]) => {
  const last = rows.at(-1) as AuditRow;
  return { seq: last[0], hash: hashRecord(last[1]).toString('hex') };
};
const verify = (rows: AuditRow[], extra: { anchor?: ChainAnchor; heads?: { seq: number; hash: string }[] } = {}) =>
  verifyChain({ pages: () => [rows.slice(0, 7), rows.slice(7)], anchor: extra.anchor ?? genesis, mac: hexMac, trustedHeads: extra.heads ?? [] });
const renumber = (rows: AuditRow[]): AuditRow[] => rows.map((r, i) => [i + 1, r[1], r[2]]);

describe('audit chain verification', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(20);
    expect(verify(rows, { heads: [headOf(rows)] })).toEqual({ ok: true, count: 20, head: headOf(rows) });
    expect(verify([])).toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH.toString('hex') } });
  });

  it('names a changed record', () => {
    const rows = chain(20);
    const [seq, record, m] = rows[9] as AuditRow;
    rows[9] = [seq, record.replace('"message.send"', '"search"'), m];
    expect(verify(rows)).toEqual({ ok: false, problems: [{ seq: 10, kind: 'changed' }], more: false });
  });

  it('names a record rewritten with a fresh hash but no valid MAC', () => {
    const rows = chain(20);
    const [seq, record] = rows[4] as AuditRow;
    rows[4] = [seq, record.replace('"m_5"', '"m_x"'), randomMac()];
    expect(verify(rows)).toMatchObject({ ok: false, problems: [{ seq: 5, kind: 'changed' }] });
  });

  it('names a record whose MAC alone was damaged', () => {
    const rows = chain(20);
    const [seq, record] = rows[4] as AuditRow;
    rows[4] = [seq, record, randomMac()];
    expect(verify(rows)).toEqual({ ok: false, problems: [{ seq: 5, kind: 'bad_mac' }], more: false });
  });

  it('names a removed record, with or without renumbering the rest', () => {
    const rows = chain(20);
    const gap = rows.filter((r) => r[0] !== 7);
    expect(verify(gap)).toEqual({ ok: false, problems: [{ seq: 7, kind: 'missing' }], more: false });
    expect(verify(renumber(gap))).toEqual({ ok: false, problems: [{ seq: 7, kind: 'missing' }], more: false });
  });

  it('names both records of a swap, adjacent or not', () => {
    for (const [a, b] of [
      [3, 12],
      [8, 9],
    ] as const) {
      const rows = chain(20);
      const ra = rows[a - 1] as AuditRow;
      const rb = rows[b - 1] as AuditRow;
      rows[a - 1] = [a, rb[1], rb[2]];
      rows[b - 1] = [b, ra[1], ra[2]];
      expect(verify(rows)).toEqual({
        ok: false,
        problems: [
          { seq: a, kind: 'reordered' },
          { seq: b, kind: 'reordered' },
        ],
        more: false,
      });
    }
  });

  it('names an inserted record in the middle and at the end', () => {
    const rows = chain(20);
    const prev = hashRecord((rows[9] as AuditRow)[1]).toString('hex');
    const forged = canonicalRecord({ seq: 11, time: 5, staffId: 'p_2', deviceId: 'dev_1', event: 'auth.sign_in', targets: [], outcome: 'ok', code: null, prevHash: prev });
    const middle = renumber([...rows.slice(0, 10), [11, forged, randomMac()], ...rows.slice(10)]);
    expect(verify(middle)).toEqual({ ok: false, problems: [{ seq: 11, kind: 'inserted' }], more: false });

    const tip = headOf(rows).hash;
    const tail = canonicalRecord({ seq: 21, time: 5, staffId: 'p_2', deviceId: 'dev_1', event: 'auth.sign_in', targets: [], outcome: 'ok', code: null, prevHash: tip });
    const appended: AuditRow[] = [...rows, [21, tail, mac(crypto.randomBytes(32)).toString('hex')]];
    expect(verify(appended)).toEqual({ ok: false, problems: [{ seq: 21, kind: 'inserted' }], more: false });
  });

  it('names a duplicated genuine record as inserted', () => {
    const rows = chain(10);
    const copy = rows[3] as AuditRow;
    const dup = renumber([...rows.slice(0, 4), copy, ...rows.slice(4)]);
    const result = verify(dup);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toContainEqual({ seq: 5, kind: 'inserted' });
  });

  it('detects truncation only against a trusted head', () => {
    const rows = chain(20);
    const head = headOf(rows);
    const short = rows.slice(0, 17);
    expect(verify(short).ok).toBe(true);
    expect(verify(short, { heads: [head] })).toEqual({ ok: false, problems: [{ seq: 18, kind: 'truncated' }], more: false });
  });

  it('detects a rewritten history that no longer matches a published head', () => {
    const rows = chain(20);
    const published = { seq: 15, hash: hashRecord((rows[14] as AuditRow)[1]).toString('hex') };
    const other = chain(20, genesis, () => 'search');
    // Same length, all MACs valid (as if the key leaked), but not the history the server saw.
    expect(verify(other, { heads: [published] })).toEqual({ ok: false, problems: [{ seq: 15, kind: 'changed' }], more: false });
  });

  it('verifies from a retention anchor backed by a checkpoint record', () => {
    const full = chain(30, genesis, (seq) => (seq === 30 ? 'audit.checkpoint' : 'message.send'), (seq) => (seq === 30 ? ['through:10'] : [`m_${seq}`]));
    const last = full[9] as AuditRow;
    const anchor: ChainAnchor = { seq: 10, hash: hashRecord(last[1]), mac: Buffer.from(last[2], 'hex') };
    const kept = full.slice(10);
    expect(verify(kept, { anchor })).toMatchObject({ ok: true, count: 20 });

    // Purging further than the checkpoint says: records 11..12 are gone without trace.
    const beyond = full[11] as AuditRow;
    const moved: ChainAnchor = { seq: 12, hash: hashRecord(beyond[1]), mac: Buffer.from(beyond[2], 'hex') };
    expect(verify(full.slice(12), { anchor: moved })).toEqual({
      ok: false,
      problems: [
        { seq: 11, kind: 'missing' },
        { seq: 12, kind: 'missing' },
      ],
      more: false,
    });

    const forged: ChainAnchor = { ...anchor, mac: crypto.randomBytes(32) };
    expect(verify(kept, { anchor: forged })).toMatchObject({ ok: false, problems: [{ seq: 10, kind: 'bad_mac' }] });
  });

  it('caps the list of problems and says there are more', () => {
    const rows = chain(12_000).filter((r) => r[0] === 12_000);
    const result = verify(rows);
    expect(result).toMatchObject({ ok: false, more: true });
    expect(result.ok ? 0 : result.problems.length).toBe(10_000);
  });
});
