import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditIntegrityKind, Result } from '../../shared/contract/index.ts';
import { createMac, hashRecord } from '../../node-shared/audit/canonical.ts';
import { openEncryptedDb } from '../../electron/core/audit/db.ts';
import { writeHeadFile } from '../../node-shared/audit/head-file.ts';
import { deriveAuditKeys } from '../../node-shared/audit/keys.ts';
import { loadDeviceKey } from '../../electron/core/vault/device-key.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../support/prosody.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// Attacks on the device audit trail, performed on the real encrypted file with the real keychain and
// the real core: the trail is deleted, corrupted, cut short or swapped for an older copy. Each must
// be found, recorded, reported by verify, and keep PHI closed until an administrator acknowledges.
const USERS = { amara: 'amara-correct-horse-1', cara: 'cara-admin-password-9' };
const ADMIN = 'cara@localhost';

let prosody: ProsodyHandle;
const devices: Device[] = [];

/** One workstation across restarts: the same folder and keychain, a new core each time. */
interface Device {
  t: TestCore;
  ids: { amara: string; cara: string };
}

const auditFile = (d: Device) => path.join(d.t.dataDir, 'audit', 'audit.db');

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const boot = (dataDir: string, keychain?: TestCore['keychain']) =>
  startTestCore({ dataDir, ...(keychain ? { keychain } : {}), server: organisationServerFrom(prosody, [ADMIN]) });

/** A workstation where staff member Amara and administrator Cara may get profiles; nobody signed in. */
async function device(name: string, before?: (dataDir: string) => Promise<void>): Promise<Device> {
  const dataDir = makeTempDir(`audit-${name}`);
  await before?.(dataDir);
  const d: Device = { t: await boot(dataDir), ids: { amara: '', cara: '' } };
  devices.push(d);
  return d;
}

async function enrol(d: Device): Promise<void> {
  d.ids.cara = ok(await d.t.call('account.firstSignIn', { server: 'localhost', username: 'cara', password: USERS.cara, displayName: 'Cara' })).profile.id;
  ok(await d.t.call('profiles.close', {}));
  d.ids.amara = ok(await d.t.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' })).profile.id;
  ok(await d.t.call('conversations.inbox', {}));
  ok(await d.t.call('profiles.close', {}));
}

async function signIn(d: Device, who: 'amara' | 'cara'): Promise<void> {
  ok(await d.t.call('profiles.close', {}));
  ok(await d.t.call('profiles.open', { profileId: d.ids[who], password: USERS[who] }));
}

/** Quit and start again on the same folder and keychain (the keychain copy of the head is written on quit). */
async function restart(d: Device, between?: () => Promise<void>): Promise<void> {
  await d.t.close();
  await between?.();
  d.t = await boot(d.t.dataDir, d.t.keychain);
}

/** Amara works a little, signs out: the head moves on and the keychain learns it. */
async function work(d: Device, calls = 3): Promise<void> {
  await signIn(d, 'amara');
  for (let i = 0; i < calls; i++) ok(await d.t.call('conversations.inbox', {}));
  ok(await d.t.call('profiles.close', {}));
}

/** The whole answer to a detected problem, from staff refusal to the administrator's acknowledgement. */
async function expectClosedUntilAcknowledged(d: Device, kind: AuditIntegrityKind): Promise<void> {
  await signIn(d, 'amara');
  const refused = await d.t.call('conversations.inbox', {});
  expect(refused).toMatchObject({ ok: false, error: { code: 'audit_unavailable' } });
  expect(refused.ok ? '' : refused.error.message).toMatch(/administrator/);
  expect(ok(await d.t.call('audit.integrity', {}))).toMatchObject({ state: 'needs_acknowledgement', problems: [{ kind }], canAcknowledge: false });
  expect(await d.t.call('audit.acknowledgeIntegrity', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

  await signIn(d, 'cara');
  expect(ok(await d.t.call('audit.integrity', {}))).toMatchObject({ state: 'needs_acknowledgement', canAcknowledge: true });
  expect(await d.t.call('conversations.inbox', {})).toMatchObject({ ok: false, error: { code: 'audit_unavailable' } });
  const verified = ok(await d.t.call('audit.verify', {}));
  expect(verified.ok).toBe(false);
  expect(verified.ok ? [] : verified.problems.map((p) => p.kind)).toContain(`trail_${kind}`);
  const records = ok(await d.t.call('audit.deviceActivity', { limit: 100 })).records;
  expect(records.some((r) => r.event === 'audit.integrity' && r.targets.includes(`kind:${kind}`))).toBe(true);

  expect(ok(await d.t.call('audit.acknowledgeIntegrity', {}))).toEqual({ state: 'ok', problems: [], canAcknowledge: true });
  ok(await d.t.call('conversations.inbox', {}));
  const after = ok(await d.t.call('audit.deviceActivity', { limit: 100 })).records;
  expect(after.some((r) => r.event === 'audit.acknowledge' && r.staffId === d.ids.cara)).toBe(true);
  expect(ok(await d.t.call('audit.verify', {}))).toMatchObject({ ok: true });

  // The acknowledgement is kept outside the file too: a restart finds nothing new and stays open.
  ok(await d.t.call('profiles.close', {}));
  await restart(d);
  await signIn(d, 'amara');
  ok(await d.t.call('conversations.inbox', {}));
  expect(ok(await d.t.call('audit.integrity', {}))).toEqual({ state: 'ok', problems: [], canAcknowledge: false });
  ok(await d.t.call('profiles.close', {}));
}

/** The attacker's view: the audit keys from the device key in the keychain, the file opened directly. */
async function withRawTrail(d: Device, edit: (db: NonNullable<ReturnType<typeof openEncryptedDb>>) => void): Promise<void> {
  const deviceKey = await loadDeviceKey(d.t.keychain);
  if (deviceKey === null) throw new Error('no device key');
  const keys = deriveAuditKeys(deviceKey);
  const db = openEncryptedDb(auditFile(d), keys.dbKey);
  if (db === null) throw new Error('the key did not open the trail');
  db.exec('DROP TRIGGER audit_no_delete;');
  edit(db);
  // A careful attacker also rewrites the head file beside it, with a valid MAC.
  const last = db.prepare('SELECT seq, record, mac FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; record: string; mac: Buffer };
  db.close();
  writeHeadFile(`${auditFile(d)}.head`, { seq: last.seq, hash: hashRecord(last.record), mac: createMac(keys.macKey)(hashRecord(last.record)) });
}

beforeAll(async () => {
  prosody = await startProsody({ users: Object.entries(USERS).map(([username, password]) => ({ username, password })) });
});

afterAll(async () => {
  for (const d of devices) await d.t.forget().catch(() => undefined);
  await removeTempDirs();
  await prosody?.stop();
});

describe('the audit trail never fails open', () => {
  it('refuses PHI with a typed error while the trail cannot be opened, and opens once it can', async () => {
    // Something that is not a database where the trail belongs: it cannot be opened at all.
    const d = await device('unopenable', async (dataDir) => {
      await fs.mkdir(path.join(dataDir, 'audit', 'audit.db'), { recursive: true });
    });
    ok(await d.t.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' }));
    const refused = await d.t.call('conversations.inbox', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'audit_unavailable' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/cannot be written/);
    expect(ok(await d.t.call('audit.integrity', {}))).toMatchObject({ state: 'unavailable', problems: [] });

    // This device never had a trail (the keychain says so), so once the path is free one starts.
    await fs.rm(auditFile(d), { recursive: true });
    d.t.time.advance(6_000);
    ok(await d.t.call('conversations.inbox', {}));
    expect(ok(await d.t.call('audit.integrity', {}))).toMatchObject({ state: 'ok', problems: [] });
  });

  it('deleted while signed in: found before the next PHI call, recorded in a new trail, closed until acknowledged', async () => {
    const d = await device('deleted');
    await enrol(d);
    await signIn(d, 'amara');
    ok(await d.t.call('conversations.inbox', {}));
    for (const f of ['', '-wal', '-shm', '.head']) await fs.rm(`${auditFile(d)}${f}`, { force: true });
    expect(await d.t.call('conversations.inbox', {})).toMatchObject({ ok: false, error: { code: 'audit_unavailable' } });
    ok(await d.t.call('profiles.close', {}));
    await expectClosedUntilAcknowledged(d, 'deleted');
  });

  it('deleted while nobody makes a PHI call: the periodic check finds it on its own', async () => {
    const d = await device('deleted-idle');
    await enrol(d);
    await signIn(d, 'amara');
    await fs.rm(auditFile(d));
    d.t.time.advance(6_000);
    // No call is made: only the periodic check can notice, and it re-opens at once, so a new file
    // (with the finding as its first record) appears by itself.
    const end = Date.now() + 10_000;
    while ((await fs.stat(auditFile(d)).catch(() => null)) === null && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await expect(fs.stat(auditFile(d))).resolves.toBeTruthy();
    ok(await d.t.call('profiles.close', {}));
    await expectClosedUntilAcknowledged(d, 'deleted');
  });

  it('deleted while the app was closed: found at open, never silently recreated', async () => {
    const d = await device('deleted-closed');
    await enrol(d);
    await restart(d, async () => {
      for (const f of ['', '-wal', '-shm', '.head']) await fs.rm(`${auditFile(d)}${f}`, { force: true });
    });
    await expectClosedUntilAcknowledged(d, 'deleted');
  });

  it('corrupted: found at open, the damaged file kept aside, a new trail records it', async () => {
    const d = await device('corrupt');
    await enrol(d);
    await restart(d, async () => {
      const fh = await fs.open(auditFile(d), 'r+');
      await fh.write(Buffer.alloc(4096, 0x5a), 0, 4096, 0);
      await fh.close();
    });
    const aside = (await fs.readdir(path.dirname(auditFile(d)))).filter((f) => f.includes('damaged-'));
    expect(aside.length).toBeGreaterThan(0);
    await expectClosedUntilAcknowledged(d, 'unreadable');
  });

  it('tail truncated (records deleted with the key, head file rewritten to match): found at open', async () => {
    const d = await device('truncated');
    await enrol(d);
    await work(d, 5);
    await restart(d, () => withRawTrail(d, (db) => db.prepare('DELETE FROM audit WHERE seq > (SELECT max(seq) - 4 FROM audit)').run()));
    await expectClosedUntilAcknowledged(d, 'rolled_back');
  });

  it('an older copy of the database and its head file restored: found at open', async () => {
    const d = await device('restored');
    await enrol(d);
    const dir = path.dirname(auditFile(d));
    const copy = path.join(d.t.dataDir, 'old-copy');
    await restart(d, () => fs.cp(dir, copy, { recursive: true }));
    await work(d, 5);
    await restart(d, async () => {
      await fs.rm(dir, { recursive: true });
      await fs.cp(copy, dir, { recursive: true });
    });
    await expectClosedUntilAcknowledged(d, 'rolled_back');
  });
});
