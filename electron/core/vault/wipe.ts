import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { shredFile } from '../fs/shred.ts';
import { fsyncDir } from './atomic-write.ts';

export { shredFile };

/** Shreds every regular file below dir (depth first), then removes the folders. */
export async function shredTree(dir: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await shredTree(full);
    else if (entry.isFile()) await shredFile(full);
    else await fs.rm(full, { force: true });
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fsyncDir(path.dirname(dir)).catch(() => undefined);
}
