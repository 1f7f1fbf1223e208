import crypto from 'node:crypto';
import { z } from 'zod';
import { AuditHead, AuditIntegrityProblem } from '../../../shared/contract/audit.ts';
import type { Keychain } from '../keychain/keychain.ts';
import { macEquals } from '../../../node-shared/audit/canonical.ts';

/** The keychain account holding the trail's last known head: outside the file, so deleting or restoring the file is noticed. */
export const AUDIT_HEAD_ACCOUNT = 'audit-head';

/** At most this many server-acknowledged heads are kept (newest last). */
export const MAX_ACKED_HEADS = 8;

/**
 * What the device knows about its trail independently of the file: the last head written (never
 * lower than a head already stored: seq only grows), the heads the server acknowledged, and the
 * integrity problems no administrator has acknowledged yet (so a restart does not reopen PHI).
 */
export interface KeychainHead {
  readonly seq: number;
  readonly hash: string;
  readonly acked: readonly AuditHead[];
  readonly pending: readonly AuditIntegrityProblem[];
}

export type KeychainHeadState = { kind: 'none' } | { kind: 'ok'; head: KeychainHead } | { kind: 'bad' };

const Stored = z.strictObject({
  v: z.literal(1),
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  acked: z.array(AuditHead).max(MAX_ACKED_HEADS),
  pending: z.array(AuditIntegrityProblem).max(16),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

const body = (h: KeychainHead) => JSON.stringify({ v: 1, seq: h.seq, hash: h.hash, acked: h.acked, pending: h.pending });
const macOf = (macKey: Buffer, h: KeychainHead) =>
  crypto.createHmac('sha256', macKey).update('sealwire/audit/keychain-head/v1\0').update(body(h)).digest();

/** Reads the record; one that does not parse or whose MAC fails (edited, or another device key) is 'bad'. Keychain errors propagate. */
export async function readKeychainHead(keychain: Keychain, macKey: Buffer): Promise<KeychainHeadState> {
  const text = await keychain.get(AUDIT_HEAD_ACCOUNT);
  if (text === null) return { kind: 'none' };
  try {
    const raw = Stored.parse(JSON.parse(text));
    const head: KeychainHead = { seq: raw.seq, hash: raw.hash, acked: raw.acked, pending: raw.pending };
    return macEquals(macOf(macKey, head), Buffer.from(raw.mac, 'hex')) ? { kind: 'ok', head } : { kind: 'bad' };
  } catch {
    return { kind: 'bad' };
  }
}

export async function writeKeychainHead(keychain: Keychain, macKey: Buffer, head: KeychainHead): Promise<void> {
  const stored = { v: 1, seq: head.seq, hash: head.hash, acked: head.acked, pending: head.pending, mac: macOf(macKey, head).toString('hex') };
  await keychain.set(AUDIT_HEAD_ACCOUNT, JSON.stringify(stored));
}
