import fs from 'node:fs';

/** Which file a path names: SQLite keeps writing to a deleted or replaced file, so the path alone says nothing. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** One stat (microseconds), cheap enough before every PHI call; null when nothing is at the path. */
export function fileIdentity(file: string): FileIdentity | null {
  try {
    const s = fs.statSync(file);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
}

export const sameFile = (a: FileIdentity | null, b: FileIdentity | null): boolean =>
  a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;

/** Moves a damaged database and its companions aside (kept for investigation, never deleted). */
export function moveAside(file: string, at: number): void {
  const stamp = `damaged-${Math.trunc(at)}`;
  for (const suffix of ['', '-wal', '-shm', '.head']) {
    try {
      fs.renameSync(`${file}${suffix}`, `${file}.${stamp}${suffix}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
