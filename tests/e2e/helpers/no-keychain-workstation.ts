import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { REPO_ROOT } from '../../../electron/dev/workstation.ts';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.ts';

/**
 * A workstation in its own Node process whose Secret Service cannot be reached (no D-Bus session
 * bus), so the real keychain probe fails as it does on a machine without a keyring.
 */
export async function startWorkstationWithoutKeychain(): Promise<{ url: string; close(): Promise<void> }> {
  const dataDir = makeTempDir('e2e-nokeychain');
  const script = `
    import { startWorkstation } from './electron/dev/workstation.ts';
    const ws = await startWorkstation({ dataDir: process.env.SEALWIRE_E2E_DATA, keychainService: process.env.SEALWIRE_E2E_SERVICE, name: 'e2e-nokeychain' });
    console.log(JSON.stringify({ url: ws.bridge.url }));
    process.stdin.on('end', () => void ws.close().then(() => process.exit(0)));
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/sealwire-bus',
      SEALWIRE_E2E_DATA: dataDir,
      SEALWIRE_E2E_SERVICE: `Sealwire-test-${randomUUID()}`,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await removeTempDir(dataDir);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"url"'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      void exited.then(() => reject(new Error('the keychain-less workstation exited before it was ready')));
    });
    return { url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
