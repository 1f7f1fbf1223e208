import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { readSystemStatus } from '../../electron/core/system/status.ts';
import { PROFILE_META_FILE, profileDir } from '../../electron/core/paths.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);

describe('system.status from the real keychain and data folder', () => {
  it('reports the keychain available inside the test keyring session and counts profiles', async () => {
    const dataDir = makeTempDir('status');
    try {
      const deps = { appVersion: '1.2.3', dataDir, keychain: createKeytarKeychain(`Sealwire-test-${randomUUID()}`), runtime: 'bridge' as const };
      const first = await readSystemStatus(deps);
      expect(first).toMatchObject({ appVersion: '1.2.3', keychain: 'available', keychainDetail: null, storeExists: false, profileCount: 0 });
      await fs.mkdir(profileDir(dataDir, 'p1'), { recursive: true });
      await fs.writeFile(path.join(profileDir(dataDir, 'p1'), PROFILE_META_FILE), '{}');
      await fs.mkdir(profileDir(dataDir, 'stray'), { recursive: true });
      expect(await readSystemStatus(deps)).toMatchObject({ storeExists: true, profileCount: 1 });
    } finally {
      await removeTempDir(dataDir);
    }
  });

  it('reports the keychain unavailable, in plain words, when no Secret Service answers', async () => {
    const script = `
      import { createKeytarKeychain } from './electron/core/keychain/keychain.ts';
      const kc = createKeytarKeychain('Sealwire-test-none', 3000);
      console.log(JSON.stringify(await kc.probe()));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/sealwire-bus' },
      timeout: 20_000,
    });
    const probe = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; detail?: string };
    expect(probe.ok).toBe(false);
    expect(probe.detail).toMatch(/keychain/i);
  });
});
