import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { makeCertificates } from '../../electron/dev/prosody/certs.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { managedCoreOptions } from '../../electron/main/managed-sources.ts';
import type { ConnectionState } from '../../shared/contract/messaging.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';
import { until } from './messaging-support.ts';

/**
 * A packaged start: the core is created exactly as electron/main creates it (no development server,
 * managedCoreOptions reading this machine's managed source; on Linux /etc/sealwire/policy.json,
 * here a temp file), against a real Prosody with its own throwaway CA on loopback.
 */
describe('packaged start with a managed configuration', () => {
  let prosody: ProsodyHandle;
  let otherCaPem: string;
  let policyFile: string;
  const keychain: Keychain = createKeytarKeychain(`Sealwire-test-${randomUUID()}`);
  const PASSWORD = 'desk-correct-horse-77';
  const cores: Core[] = [];

  const writePolicy = (layer: Record<string, unknown>) => fs.writeFileSync(policyFile, JSON.stringify(layer));
  const startPackaged = async (dataDir: string) => {
    const core = createCore({
      dataDir,
      runtime: 'desktop',
      appVersion: '0.0.0-test',
      log: silentLogger,
      keychain,
      statusIntervalMs: 60_000,
      ...managedCoreOptions(silentLogger, { platform: 'linux', linuxPolicyFile: policyFile }),
    });
    cores.push(core);
    await core.ready;
    return core;
  };
  const call = (core: Core, method: string, request: unknown) => core.dispatcher.call(method as never, request as never, { transport: 'bridge' });
  const signIn = (core: Core, server: string) =>
    call(core, 'account.firstSignIn', { server, username: 'desk', password: PASSWORD, displayName: 'Desk Managedfield' });
  const organisation = () => ({
    serverAddress: `localhost:${prosody.c2sPort}`,
    allowedDomains: ['localhost'],
    caCertificatePem: prosody.caCertPem,
    adminAddresses: ['desk@localhost'],
    auditAddress: 'auditor@localhost',
    organisationName: 'Loopback Clinic',
  });

  beforeAll(async () => {
    prosody = await startProsody();
    await prosody.register('desk', PASSWORD);
    await prosody.register('auditor', 'pw-auditor');
    otherCaPem = (await makeCertificates(makeTempDir('other-ca'), ['localhost'])).caCertPem;
    policyFile = path.join(makeTempDir('policy'), 'policy.json');
  });

  afterAll(async () => {
    for (const core of cores) await core.close().catch(() => {});
    for (const account of await keychain.accounts().catch(() => [])) await keychain.delete(account).catch(() => false);
    await prosody?.stop();
    await removeTempDirs();
  });

  it('refuses a server outside the allowed domains before dialling it, and creates no profile', async () => {
    writePolicy({ allowedDomains: ['riverside.example'] });
    const core = await startPackaged(makeTempDir('outside'));
    expect(await call(core, 'account.signInConfig', {})).toEqual({ ok: true, value: { server: null, serverManaged: false, organisationName: null, wipedByOrganisation: false } });
    const result = await signIn(core, `localhost:${prosody.c2sPort}`);
    expect(result).toMatchObject({ ok: false, error: { code: 'server_not_allowed' } });
    expect(await call(core, 'profiles.list', {})).toMatchObject({ ok: true, value: { profiles: [] } });
  });

  it('refuses a server whose certificate the organisation CA did not sign, and one the system roots would have to vouch for', async () => {
    writePolicy({ ...organisation(), caCertificatePem: otherCaPem });
    const wrongCa = await startPackaged(makeTempDir('wrong-ca'));
    expect(await signIn(wrongCa, 'localhost')).toMatchObject({ ok: false, error: { code: 'certificate' } });
    // No organisation CA: only the system roots, which never vouch for the clinic's private CA.
    const { caCertificatePem: _ca, ...noCa } = organisation();
    writePolicy(noCa);
    const systemRoots = await startPackaged(makeTempDir('no-ca'));
    expect(await signIn(systemRoots, 'localhost')).toMatchObject({ ok: false, error: { code: 'certificate' } });
    // The right CA but a pin that does not match the server's key.
    writePolicy({ ...organisation(), certificatePins: [`sha256/${'A'.repeat(43)}=`] });
    const wrongPin = await startPackaged(makeTempDir('wrong-pin'));
    expect(await signIn(wrongPin, 'localhost')).toMatchObject({ ok: false, error: { code: 'certificate' } });
    for (const core of [wrongCa, systemRoots, wrongPin]) expect(await call(core, 'profiles.list', {})).toMatchObject({ ok: true, value: { profiles: [] } });
  });

  it('signs in to the managed server only (a typed one is ignored), with the admin role from the managed admin addresses; a later start drops a removed admin and a rotated CA reaches the profile', async () => {
    writePolicy(organisation());
    const dataDir = makeTempDir('managed');
    let core = await startPackaged(dataDir);
    expect(await call(core, 'account.signInConfig', {})).toEqual({ ok: true, value: { server: 'localhost', serverManaged: true, organisationName: 'Loopback Clinic', wipedByOrganisation: false } });
    const first = await signIn(core, 'chat.elsewhere.example');
    expect(first.ok).toBe(true);
    const profileId = (first as { ok: true; value: { profile: { id: string } } }).value.profile.id;
    expect(await call(core, 'audit.integrity', {})).toMatchObject({ ok: true, value: { canAcknowledge: true } });
    await core.close();

    // IT removes the admin address and rotates the CA to one that did not sign this server.
    writePolicy({ ...organisation(), adminAddresses: [], caCertificatePem: otherCaPem });
    core = await startPackaged(dataDir);
    const states: ConnectionState[] = [];
    core.events.subscribe((name, payload) => {
      if (name === 'messaging.connection') states.push((payload as { state: ConnectionState }).state);
    });
    expect(await call(core, 'profiles.open', { profileId, password: PASSWORD })).toMatchObject({ ok: true });
    expect(await call(core, 'audit.integrity', {})).toMatchObject({ ok: true, value: { canAcknowledge: false } });
    await until(() => states.includes('cert_failed'), 15_000, 'the rotated CA refuses the server');
    expect(states).not.toContain('online');

    // Applied live: IT puts the right CA back; the next re-read reconnects without a restart, audited.
    writePolicy({ ...organisation(), adminAddresses: [] });
    core.policy.refresh();
    await until(() => states.includes('online'), 15_000, 'online with the restored CA');
    const mine = await call(core, 'audit.myActivity', { limit: 50 });
    const changes = (mine as { ok: true; value: { records: Array<{ event: string; targets: string[] }> } }).value.records.filter((r) => r.event === 'policy.change');
    expect(changes.at(0)?.targets).toEqual(['key:caCertificatePem']);
  });
});
