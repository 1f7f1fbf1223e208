import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** fsync a directory so a rename or unlink inside it survives a power cut (no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open directories for fsync; NTFS journals the rename itself.
    if (process.platform !== 'win32') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Temp file in the same folder, fsync, rename over the target, fsync the folder: a reader sees
 * either the old file or the new one, never a torn mix, even after a crash.
 */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}
