import fs from 'node:fs';
import { macEquals, type MacFn } from './canonical.ts';

/** The last record's seq, hash and MAC, kept beside the database so a shortened log is noticed. */
export interface StoredHead {
  readonly seq: number;
  readonly hash: Buffer;
  readonly mac: Buffer;
}

export type HeadFileState = { kind: 'none' } | { kind: 'ok'; head: StoredHead } | { kind: 'bad' };

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads the head file; a file that does not parse or whose MAC is wrong is 'bad' (reported by verify). */
export function readHeadFile(file: string, mac: MacFn): HeadFileState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  try {
    const raw = JSON.parse(text) as { v?: unknown; seq?: unknown; hash?: unknown; mac?: unknown };
    if (raw.v !== 1 || !Number.isSafeInteger(raw.seq) || (raw.seq as number) < 0) return { kind: 'bad' };
    if (typeof raw.hash !== 'string' || typeof raw.mac !== 'string') return { kind: 'bad' };
    if (!HEX64.test(raw.hash) || !HEX64.test(raw.mac)) return { kind: 'bad' };
    const head = { seq: raw.seq as number, hash: Buffer.from(raw.hash, 'hex'), mac: Buffer.from(raw.mac, 'hex') };
    return macEquals(mac(head.hash), head.mac) ? { kind: 'ok', head } : { kind: 'bad' };
  } catch {
    return { kind: 'bad' };
  }
}

/**
 * Replaces the head file atomically (temp file, rename). No fsync: the database commit is durable
 * first, so a head lost in a crash is only older than the log, which verify accepts.
 */
export function writeHeadFile(file: string, head: StoredHead): void {
  const tmp = `${file}.tmp`;
  const body = JSON.stringify({ v: 1, seq: head.seq, hash: head.hash.toString('hex'), mac: head.mac.toString('hex') });
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
