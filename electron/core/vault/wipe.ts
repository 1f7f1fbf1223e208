import crypto from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from './atomic-write.ts';

const CHUNK = 1024 * 1024;

/**
 * Overwrites a file's bytes with random data, fsyncs, then unlinks it. On SSDs and copy-on-write
 * file systems the old blocks may survive; what makes a wiped profile unrecoverable is that its
 * key file and (for a device wipe) the keychain's device key are gone: the rest is ciphertext.
 */
export async function shredFile(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const noise = crypto.randomBytes(Math.min(CHUNK, Math.max(size, 1)));
    for (let at = 0; at < size; at += noise.length) {
      await handle.write(noise, 0, Math.min(noise.length, size - at), at);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rm(file, { force: true });
}

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
