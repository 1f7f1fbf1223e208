import { randomUUID } from 'node:crypto';
import { startWorkstation, type Workstation, type WorkstationOptions } from '../../electron/dev/workstation.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

/** A simulated workstation with its own temp data folder and keychain service; removed on close. */
export async function startTestWorkstation(
  name = 'test',
  extra: Pick<WorkstationOptions, 'xmpp' | 'adminJids'> = { xmpp: null },
): Promise<Workstation & { dataDir: string }> {
  const dataDir = makeTempDir(name);
  const ws = await startWorkstation({ dataDir, keychainService: `Sealwire-test-${randomUUID()}`, name, ...extra });
  return {
    ...ws,
    dataDir,
    async close() {
      await ws.close();
      await removeTempDir(dataDir);
    },
  };
}
