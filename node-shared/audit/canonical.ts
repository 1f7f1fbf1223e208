import crypto from 'node:crypto';

/** Version tag inside every hashed record, so a future encoding can never collide with this one. */
export const CANONICAL_TAG = 'sw-audit/1';

/** The previous hash of the very first record. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The fields of one record that its hash covers. */
export interface RecordFields {
  readonly seq: number;
  readonly time: number;
  readonly staffId: string | null;
  readonly deviceId: string;
  readonly event: string;
  readonly targets: readonly string[];
  readonly outcome: string;
  readonly code: string | null;
  /** Hex of the previous record's hash (or of the genesis hash). */
  readonly prevHash: string;
}

/**
 * The canonical encoding: a JSON array in fixed field order,
 * [tag, seq, time, staffId, deviceId, event, targets, outcome, code, prevHashHex].
 * JSON.stringify of strings, safe integers, null and arrays of strings is deterministic, and this
 * text is what the database stores, so verify hashes the stored bytes as they are: any edit to
 * a record, even whitespace, changes its hash.
 */
export function canonicalRecord(f: RecordFields): string {
  return JSON.stringify([CANONICAL_TAG, f.seq, f.time, f.staffId, f.deviceId, f.event, f.targets, f.outcome, f.code, f.prevHash]);
}

const HEX64 = /^[0-9a-f]{64}$/;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length <= 200;

/** Reads a stored record back; null when the text is not a canonical record (it was edited). */
export function parseRecord(text: string): RecordFields | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 10 || v[0] !== CANONICAL_TAG) return null;
  const [, seq, time, staffId, deviceId, event, targets, outcome, code, prevHash] = v as unknown[];
  if (!Number.isSafeInteger(seq) || (seq as number) < 1 || !Number.isSafeInteger(time)) return null;
  if (!(staffId === null || isId(staffId)) || !isId(deviceId) || !isId(event) || !isId(outcome)) return null;
  if (!(code === null || isId(code)) || typeof prevHash !== 'string' || !HEX64.test(prevHash)) return null;
  if (!Array.isArray(targets) || !targets.every(isId)) return null;
  const fields: RecordFields = {
    seq: seq as number,
    time: time as number,
    staffId,
    deviceId,
    event,
    targets,
    outcome,
    code,
    prevHash,
  };
  // Only the exact canonical text counts: same values with other spacing or escaping are an edit.
  return canonicalRecord(fields) === text ? fields : null;
}

export function hashRecord(text: string): Buffer {
  return crypto.hash('sha256', text, 'buffer');
}

export type MacFn = (hash: Buffer) => Buffer;

/**
 * HMAC-SHA256 over a 32-byte hash with the pads computed once. Equal to
 * createHmac('sha256', key).update(hash).digest(), several times faster for a million records.
 */
export function createMac(key: Buffer): MacFn {
  if (key.length !== 32) throw new Error('audit mac key must be 32 bytes');
  const inner = Buffer.alloc(96, 0x36);
  const outer = Buffer.alloc(96, 0x5c);
  for (let i = 0; i < 32; i++) {
    inner[i] = 0x36 ^ (key[i] as number);
    outer[i] = 0x5c ^ (key[i] as number);
  }
  return (hash) => {
    if (hash.length !== 32) return crypto.createHmac('sha256', key).update(hash).digest();
    inner.set(hash, 64);
    outer.set(crypto.hash('sha256', inner, 'buffer'), 64);
    return crypto.hash('sha256', outer, 'buffer');
  };
}

export type HexMacFn = (hashHex: string) => string;

/**
 * The same MAC from and to hex strings without allocating a Buffer per call: verify runs it a
 * million times, and Buffer allocation costs more than the hashing itself.
 */
export function createHexMac(key: Buffer): HexMacFn {
  const mac = createMac(key);
  const inner = Buffer.alloc(96, 0x36);
  const outer = Buffer.alloc(96, 0x5c);
  for (let i = 0; i < 32; i++) {
    inner[i] = 0x36 ^ (key[i] as number);
    outer[i] = 0x5c ^ (key[i] as number);
  }
  return (hashHex) => {
    if (hashHex.length !== 64) return mac(Buffer.from(hashHex, 'hex')).toString('hex');
    inner.write(hashHex, 64, 'hex');
    outer.write(crypto.hash('sha256', inner, 'hex'), 64, 'hex');
    return crypto.hash('sha256', outer, 'hex');
  };
}

/** Hex digest of a stored record's canonical text. */
export function hashRecordHex(text: string): string {
  return crypto.hash('sha256', text, 'hex');
}

export function macEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
