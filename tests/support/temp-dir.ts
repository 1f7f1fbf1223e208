import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One way to make a test's temporary folder: under the OS temp folder, named for the test, and
 * removed by `removeTempDirs()` (or each handle's `remove()`), so no test leaves PHI-shaped data behind.
 */
const made = new Set<string>();

export function makeTempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sealwire-${name.replace(/[^a-z0-9-]/gi, '-')}-`));
  made.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  made.delete(dir);
  await fs.promises.rm(dir, { recursive: true, force: true });
}

/** Removes every folder this test file made (call it in afterAll/afterEach). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all([...made].map((dir) => removeTempDir(dir)));
}
