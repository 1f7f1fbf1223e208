import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/contract/index.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../support/prosody.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { removeTempDirs } from '../support/temp-dir.ts';

// "Export compliance evidence" as an administrator runs it on a live workstation: the real core,
// keychain, encrypted stores and a real Prosody (the admin role comes from the organisation's
// configured admin addresses). The canary is PHI stored on the workstation; none of it may leave.
const USERS = { amara: 'amara-correct-horse-1', cara: 'cara-admin-password-9' };
const CANARY = 'Velmorine Ostrakova';

let prosody: ProsodyHandle;
let t: TestCore;
const ids = { amara: '', cara: '' };

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  prosody = await startProsody({ users: Object.entries(USERS).map(([username, password]) => ({ username, password })) });
  t = await startTestCore({ server: organisationServerFrom(prosody, ['cara@localhost']) });
  ids.cara = ok(await t.call('account.firstSignIn', { server: 'localhost', username: 'cara', password: USERS.cara, displayName: 'Cara' })).profile.id;
  ok(await t.call('profiles.close', {}));
  ids.amara = ok(await t.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: CANARY })).profile.id;
  const store = t.core.profiles.require().store;
  const conversation = store.ensureConversation({ kind: 'direct', jid: 'velmorine@localhost' });
  store.insertMessage({ clientId: randomUUID(), conversationId: conversation.id, senderJid: 'velmorine@localhost', body: `${CANARY} DOB 1961-04-02`, sentAt: Date.now(), direction: 'in' });
});

afterAll(async () => {
  await t?.forget();
  await prosody?.stop();
  await removeTempDirs();
});

describe('Export compliance evidence (admin, in the app)', () => {
  it('is refused to staff without the admin role, and the refusal is recorded', async () => {
    const refused = await t.call('compliance.deviceEvidence', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const mine = ok(await t.call('audit.myActivity', { limit: 20 })).records;
    expect(mine.find((r) => r.event === 'evidence.export')).toMatchObject({ outcome: 'denied', code: 'unauthorized' });
  });

  it('verifies the trail, shows each policy value with its source, the keychain and every store encrypted; audited, no PHI', async () => {
    ok(await t.call('profiles.close', {}));
    ok(await t.call('profiles.open', { profileId: ids.cara, password: USERS.cara }));
    const evidence = ok(await t.call('compliance.deviceEvidence', {}));

    expect(evidence.audit.ok).toBe(true);
    expect(evidence.audit.count).toBeGreaterThan(3);
    expect(evidence.keychain).toEqual({ state: 'available', deviceKey: true, detail: null });
    expect(evidence.stores.map((s) => s.profileId).sort()).toEqual([ids.amara, ids.cara].sort());
    expect(evidence.stores.every((s) => s.result === 'encrypted')).toBe(true);
    expect(evidence.policy.values.find((v) => v.key === 'idleTimeoutMinutes')).toEqual({ key: 'idleTimeoutMinutes', value: '10', source: 'default' });
    expect(evidence.machine.os.length).toBeGreaterThan(0);

    const text = JSON.stringify(evidence).toLowerCase();
    for (const form of [CANARY, 'Velmorine', 'Ostrakova', '1961', 'amara', 'cara@']) expect(text).not.toContain(form.toLowerCase());
    const records = ok(await t.call('audit.myActivity', { limit: 20 })).records;
    expect(records[0]).toMatchObject({ event: 'evidence.export', outcome: 'ok', staffId: ids.cara });
  });

  it('the store probe tells a store that opens without its key from an encrypted one', async () => {
    // A plaintext SQLite file where a profile's store should be: what the probe exists to catch.
    const fakeId = randomUUID();
    const dir = path.join(t.dataDir, 'profiles', fakeId);
    fs.mkdirSync(dir, { recursive: true });
    const db = new Database(path.join(dir, 'store.db'));
    db.exec('CREATE TABLE messages (body TEXT)');
    db.close();
    const evidence = ok(await t.call('compliance.deviceEvidence', {}));
    expect(evidence.stores.find((s) => s.profileId === fakeId)?.result).toBe('opens_without_key');
    expect(evidence.stores.filter((s) => s.result === 'encrypted')).toHaveLength(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
