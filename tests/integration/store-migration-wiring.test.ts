import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toLegacySqlcipher } from '../../bench/store-legacy.ts';
import { createCore, type Core } from '../../electron/core/app.ts';
import { deriveAuditKeys } from '../../node-shared/audit/keys.ts';
import { openAuditLog } from '../../electron/core/audit/log.ts';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { pageFormatHint } from '../../electron/core/sqlite/encrypted-db.ts';
import { deviceFingerprint, loadOrCreateDeviceKey } from '../../electron/core/vault/device-key.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { fakeTime } from '../support/fake-time.ts';

const PASSWORD = 'migration-password-1';
let core: Core | null = null;
let dataDir = '';

afterEach(async () => {
  await core?.close();
  core = null;
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('page format migration in the composition', () => {
  it('converts the audit trail and a profile store of the previous version, tells the screen, and audits both', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sealwire-migration-'));
    const keychain = createKeytarKeychain(`Sealwire-test-${randomUUID()}`);
    const time = fakeTime(Date.now());
    const start = async () => {
      const c = createCore({ appVersion: 't', dataDir, runtime: 'bridge', log: silentLogger, keychain, clock: time, timers: time });
      await c.ready;
      return c;
    };
    core = await start();
    const created = await core.dispatcher.call('profiles.create', { displayName: 'Desk', password: PASSWORD }, { transport: 'bridge' });
    const profileId = (created as { value: { profile: { id: string } } }).value.profile.id;
    core.profiles.require().store.ensureConversation({ kind: 'direct', jid: 'ben@localhost' });
    await core.close();
    core = null;

    // Rewrite both files as the previous version left them.
    const deviceKey = await loadOrCreateDeviceKey(keychain);
    const auditKeys = deriveAuditKeys(deviceKey);
    const auditFile = path.join(dataDir, 'audit', 'audit.db');
    toLegacySqlcipher(auditFile, auditKeys.dbKey);
    const unwrapped = await createVault({ dataDir, keychain, log: silentLogger }).openProfile(profileId, PASSWORD);
    toLegacySqlcipher(unwrapped.paths.storeFile, unwrapped.key, { storeSchemaV1: true });
    expect(pageFormatHint(unwrapped.paths.storeFile)).toBe('sqlcipher-4');

    core = await start();
    const updating: boolean[] = [];
    core.events.subscribe((name, payload) => {
      if (name === 'profiles.updating') updating.push((payload as { updating: boolean }).updating);
    });
    expect((await core.dispatcher.call('profiles.open', { profileId, password: PASSWORD }, { transport: 'bridge' })).ok).toBe(true);
    expect(updating).toEqual([true, false]);
    expect(core.profiles.require().store.inbox().entries).toHaveLength(1);
    await core.close();
    core = null;
    expect(pageFormatHint(unwrapped.paths.storeFile)).toBe('aegis-256');
    expect(pageFormatHint(auditFile)).toBe('aegis-256');

    const trail = openAuditLog({ file: auditFile, dbKey: auditKeys.dbKey, macKey: auditKeys.macKey, deviceId: deviceFingerprint(deviceKey) });
    const migrations = trail
      .page({ limit: 200 })
      .records.filter((r) => r.event === 'store.migrate')
      .map((r) => ({ targets: r.targets, code: r.code }));
    expect(migrations).toEqual(
      expect.arrayContaining([
        { targets: ['audit'], code: 'sqlcipher-4_to_aegis-256' },
        { targets: ['store'], code: 'sqlcipher-4_to_aegis-256' },
      ]),
    );
    expect(migrations).toHaveLength(2);
    expect(trail.verify()).toMatchObject({ ok: true });
    trail.close();
  }, 60_000);
});
