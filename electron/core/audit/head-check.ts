import type { AuditHead, AuditIntegrityKind } from '../../../shared/contract/audit.ts';

/** The trail as opened: its last seq and the hash of the record at a given seq (undefined when purged by retention). */
export interface OpenedTrail {
  readonly seq: number;
  hashAt(seq: number): string | null | undefined;
}

/**
 * Compares an opened trail with heads known from outside the file (the keychain's head, the
 * server-acknowledged heads, or the head of the handle that was open before the file changed).
 * A file may be ahead of a known head (the keychain copy is written in batches), never behind it,
 * and the record at a known seq must be the very record that was known.
 */
export function checkAgainstKnownHeads(trail: OpenedTrail, known: readonly AuditHead[]): AuditIntegrityKind | null {
  for (const head of known) {
    if (head.seq === 0) continue;
    if (trail.seq < head.seq) return 'rolled_back';
  }
  for (const head of known) {
    if (head.seq === 0) continue;
    const hash = trail.hashAt(head.seq);
    if (hash === undefined) continue;
    if (hash !== head.hash) return 'replaced';
  }
  return null;
}
