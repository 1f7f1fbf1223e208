import crypto from 'node:crypto';
import fs from 'node:fs/promises';

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
