import type { DirectoryEntry } from '../../../shared/contract/index.ts';

/**
 * A colleague known only by an account's local part (a patient conversation's room nick): their
 * directory name when a directory entry has that local part, else the local part itself.
 * Pure (unit-tested in tests/unit/thread-logic.test.ts).
 */
export function nameForLocalPart(localPart: string, directory: readonly DirectoryEntry[] | null): string {
  return directory?.find((d) => d.jid.slice(0, d.jid.indexOf('@')) === localPart)?.displayName ?? localPart;
}
