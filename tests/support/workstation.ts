import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWorkstation, type Workstation, type WorkstationOptions } from '../../electron/dev/workstation.ts';

/** A simulated workstation with its own temp data folder and keychain service; removed on close. */
export async function startTestWorkstation(
  name = 'test',
  extra: Pick<WorkstationOptions, 'xmpp' | 'adminJids'> = { xmpp: null },
): Promise<Workstation & { dataDir: string }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `sealwire-${name}-`));
  const ws = await startWorkstation({ dataDir, keychainService: `Sealwire-test-${randomUUID()}`, name, ...extra });
  return {
    ...ws,
    dataDir,
    async close() {
      await ws.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
