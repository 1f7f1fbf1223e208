import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { buildAdminCommand } from '../../node-shared/xmpp/stanzas.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { openAccount, tempDir, until } from '../integration/messaging-support.ts';

/**
 * Issue 12, admin console, end to end through a real Prosody: an admin publishes a shorter idle
 * timeout and a colleague's session locks on it; a remote wipe reaches the colleague's device,
 * is acknowledged, and leaves nothing of the profile behind; a non-admin's wipe is ignored and audited.
 */
const STAFF = [
  { username: 'itadmin', name: 'Ines Admin' },
  { username: 'desk', name: 'Desk Wipefield' },
  { username: 'mallory', name: 'Mallory Intruder' },
];
const ADMIN = 'itadmin@localhost';
const PASSWORD = (u: string) => `${u}-correct-horse-77`;

describe('admin console through a real Prosody', () => {
  let prosody: ProsodyHandle;
  const cores: TestCore[] = [];
  let admin: TestCore;
  let desk: TestCore;

  const ok = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
    if (!r.ok) throw new Error(`call failed: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  async function station(username: string): Promise<TestCore> {
    const core = await startTestCore({ server: organisationServerFrom(prosody, [ADMIN]) });
    cores.push(core);
    ok(await core.call('account.firstSignIn', { server: prosody.domain, username, password: PASSWORD(username), displayName: STAFF.find((s) => s.username === username)!.name }));
    const online = async () => ok(await core.call('messaging.state', {})).state === 'online';
    for (let i = 0; i < 200 && !(await online()); i++) await new Promise((r) => setTimeout(r, 50));
    return core;
  }

  beforeAll(async () => {
    prosody = await startProsody({
      users: STAFF.map((s) => ({ username: s.username, password: PASSWORD(s.username) })),
      staffDirectory: { group: 'Clinic staff', members: STAFF },
    });
    admin = await station('itadmin');
    desk = await station('desk');
  });

  afterAll(async () => {
    for (const c of cores) await c.forget().catch(() => {});
    await prosody?.stop();
  });

  it('the console needs the admin role and the password again; a published idle timeout locks a colleague on it', async () => {
    expect(await desk.call('admin.enter', { password: PASSWORD('desk') })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await admin.call('admin.publishPolicy', { policy: { idleTimeoutMinutes: 1 } })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await admin.call('admin.enter', { password: 'not-the-password' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    ok(await admin.call('admin.enter', { password: PASSWORD('itadmin') }));
    // Organisation settings in a published policy are dropped: trust comes only from the machine.
    const published = ok(await admin.call('admin.publishPolicy', { policy: { idleTimeoutMinutes: 1 } }));
    expect(published.notified).toBeGreaterThanOrEqual(1);

    await until(() => desk.core.policy.values.idleTimeoutMinutes === 1, 15_000, 'the colleague applies the published policy');
    expect(desk.core.policy.current.sources['idleTimeoutMinutes']).toBe('server');
    expect(ok(await desk.call('session.state', {})).state).toBe('unlocked');
    desk.time.advance(61_000);
    expect(ok(await desk.call('session.state', {})).state).toBe('locked');
    // The change is in the colleague's own audit trail (key names only).
    ok(await desk.call('profiles.open', { profileId: ok(await desk.call('session.state', {})).staffId!, password: PASSWORD('desk') }));
    const mine = ok(await desk.call('audit.myActivity', { limit: 100 }));
    expect(mine.records.some((r) => r.event === 'policy.change' && r.targets.includes('key:idleTimeoutMinutes'))).toBe(true);
  });

  it("a non-admin's wipe command is ignored and audited", async () => {
    const dir = await tempDir();
    const intruder = await openAccount(prosody, { dir, username: 'mallory', password: PASSWORD('mallory') });
    try {
      intruder.manager.send(buildAdminCommand('desk@localhost', `evil-${randomUUID()}`, 'wipe'));
      const deadline = Date.now() + 10_000;
      let rejected = false;
      while (!rejected && Date.now() < deadline) {
        const mine = ok(await desk.call('audit.myActivity', { limit: 100 }));
        rejected = mine.records.some((r) => r.event === 'messaging.rejected' && r.targets.includes('reason:admin-not-admin'));
        if (!rejected) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rejected).toBe(true);
      expect(ok(await desk.call('session.state', {})).state).toBe('unlocked');
      expect(ok(await desk.call('profiles.list', {})).profiles).toHaveLength(1);
    } finally {
      await intruder.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('remote wipe: confirmed by name, acknowledged by the device, audited on both sides; the wiped profile holds no canary', async () => {
    const canary = `WIPECANARY${randomUUID().replace(/-/g, '')}`;
    ok(await admin.call('messaging.send', { to: 'desk@localhost', body: `Patient note ${canary}` }));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && ok(await desk.call('conversations.inbox', {})).entries.length === 0) await new Promise((r) => setTimeout(r, 100));

    expect(await admin.call('admin.command', { staff: 'desk@localhost', action: 'wipe', confirmAddress: 'mallory@localhost' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const { acks } = ok(await admin.call('admin.command', { staff: 'desk@localhost', action: 'wipe', confirmAddress: 'desk@localhost' }));
    expect(acks).toEqual([expect.objectContaining({ outcome: 'ok' })]);
    const adminTrail = ok(await admin.call('audit.myActivity', { limit: 100 }));
    expect(adminTrail.records.some((r) => r.event === 'admin.command' && r.outcome === 'ok')).toBe(true);

    await until(() => fs.readdirSync(desk.dataDir).includes('wiped-by-organisation'), 15_000, 'wipe finished');
    expect(ok(await desk.call('profiles.list', {})).profiles).toEqual([]);
    expect(ok(await desk.call('account.signInConfig', {})).wipedByOrganisation).toBe(true);
    // Canary scan: no file left under the device's data folder holds the message or the name.
    const hits: string[] = [];
    for (const entry of fs.readdirSync(desk.dataDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = fs.readFileSync(path.join(entry.parentPath, entry.name));
      if (bytes.includes(canary) || bytes.includes('Desk Wipefield')) hits.push(entry.name);
    }
    expect(hits).toEqual([]);
  });
});
