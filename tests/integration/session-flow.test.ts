import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import log from 'electron-log/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, RequestOf, ResponseOf, Result } from '../../shared/contract/index.ts';
import { createCore, type Core } from '../../electron/core/app.ts';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { createLogger } from '../../electron/core/log/logger.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { devServerOf } from '../../electron/dev/xmpp-server.ts';
import { fakeTime } from '../support/fake-time.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const MIN = 60_000;
const CANARY = { name: 'Philippa Canarywood', mrn: 'MRN 77120934', phone: '(555) 014-7788' };
const CANARY_TEXT = `Results for ${CANARY.name}, ${CANARY.mrn}, call ${CANARY.phone}`;
const USERS = {
  amara: 'amara-correct-horse-1',
  ben: 'ben-battery-staple-22',
  cara: 'cara-long-password-333',
};

let prosody: ProsodyHandle;
const cleanups: Array<() => Promise<void>> = [];

interface Station {
  core: Core;
  dataDir: string;
  time: ReturnType<typeof fakeTime>;
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
}

async function station(
  name: string,
  override: Partial<Parameters<typeof organisationServerFrom>[0]> = {},
  adminJids?: readonly string[],
): Promise<Station> {
  const dataDir = makeTempDir(`flow-${name}`);
  const instance = log.create({ logId: `flow-${name}-${randomUUID()}` });
  instance.transports.file.resolvePathFn = () => path.join(dataDir, 'logs', 'sealwire.log');
  instance.transports.file.level = 'debug';
  instance.transports.console.level = false;
  const time = fakeTime();
  const dev = { ...devServerOf(prosody), ...override };
  const core = createCore({
    appVersion: '0.0.0-test',
    dataDir,
    runtime: 'bridge',
    log: createLogger(instance),
    keychain: createKeytarKeychain(`Sealwire-test-${randomUUID()}`),
    server: organisationServerFrom(dev, adminJids),
    clock: time,
    timers: time,
    statusIntervalMs: 60_000,
  });
  await core.ready;
  cleanups.push(async () => {
    await core.close();
    await removeTempDir(dataDir);
  });
  const call = (<M extends MethodName>(method: M, request: RequestOf<M>) =>
    core.dispatcher.call(method, request, { transport: 'bridge' })) as Station['call'];
  return { core, dataDir, time, call };
}

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

beforeAll(async () => {
  prosody = await startProsody({
    users: Object.entries(USERS).map(([username, password]) => ({ username, password })),
    staffDirectory: { group: 'Clinic staff', members: [{ username: 'amara', name: 'Amara Diallo' }, { username: 'ben', name: 'Ben Okafor' }] },
  });
});

afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean().catch(() => undefined);
  await prosody?.stop();
});

describe('first sign-in against the organisation server', () => {
  it('tells a wrong password, an untrusted certificate and an unreachable server apart, and creates nothing', async () => {
    const a = await station('errors');
    const wrong = await a.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: 'not-the-password', displayName: 'Amara' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_password' } });

    const untrusted = await station('untrusted', { caCertPem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n' });
    const cert = await untrusted.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' });
    expect(cert).toMatchObject({ ok: false, error: { code: 'certificate' } });

    const closed = await station('closed', { c2sPort: 1 });
    const unreachable = await closed.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' });
    expect(unreachable).toMatchObject({ ok: false, error: { code: 'network' } });

    for (const s of [a, untrusted, closed]) expect(ok(await s.call('profiles.list', {})).profiles).toEqual([]);
  });
});

describe('a signed-in session', () => {
  let desk: Station;
  let nurse: Station;
  let amaraId = '';

  it('signs in, receives a message, and gates PHI the moment it locks', async () => {
    desk = await station('desk');
    nurse = await station('nurse');
    amaraId = ok(await desk.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' })).profile.id;
    ok(await nurse.call('account.firstSignIn', { server: 'localhost', username: 'ben', password: USERS.ben, displayName: 'Ben' }));
    expect(ok(await desk.call('session.state', {})).state).toBe('unlocked');
    await until('desk online', async () => ok(await desk.call('messaging.state', {})).state === 'online');
    await until('nurse online', async () => ok(await nurse.call('messaging.state', {})).state === 'online');

    // The staff directory comes from the server's shared roster group.
    const directory = await until('staff directory', async () => {
      const entries = ok(await desk.call('messaging.directory', {})).entries;
      return entries.some((e) => e.jid === 'ben@localhost') ? entries : null;
    });
    expect(directory.find((e) => e.jid === 'ben@localhost')?.displayName).toBe('Ben Okafor');

    ok(await nurse.call('messaging.send', { to: 'amara@localhost', body: CANARY_TEXT, priority: 'urgent' }));
    const inbox = await until('message at the desk', async () => {
      const entries = ok(await desk.call('conversations.inbox', {})).entries;
      return entries.length > 0 ? entries : null;
    });
    expect(JSON.stringify(inbox)).toContain(CANARY.name);

    ok(await desk.call('session.lockNow', { via: 'button' }));
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'locked', staffId: amaraId, reason: 'button' });
    for (const [method, request] of [
      ['conversations.inbox', {}],
      ['messages.search', { query: 'Canarywood' }],
      ['messaging.directory', {}],
      ['audit.myActivity', {}],
    ] as const) {
      expect(await desk.call(method, request as never), method).toMatchObject({ ok: false, error: { code: 'locked' } });
    }
    await until('store closed', async () => desk.core.profiles.current() === null);
    expect(ok(await desk.call('messaging.state', {})).state).toBe('offline');
  });

  it('limits wrong passwords, audits every attempt, and unlocks with the right one', async () => {
    const attempt = (password: string) => desk.call('profiles.open', { profileId: amaraId, password });
    for (let i = 0; i < 3; i++) expect(await attempt('wrong-password-here')).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    const fourth = await attempt('wrong-password-here');
    expect(fourth.ok).toBe(false);
    const refused = await attempt(USERS.amara);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(refused.ok === false && refused.error.retryAfterMs).toBeGreaterThan(0);
    desk.time.advance(5 * MIN);
    ok(await attempt(USERS.amara));
    expect(ok(await desk.call('session.state', {})).state).toBe('unlocked');
    const inbox = ok(await desk.call('conversations.inbox', {})).entries;
    expect(inbox).toHaveLength(1);
    await until('desk online again', async () => ok(await desk.call('messaging.state', {})).state === 'online');

    const activity = ok(await desk.call('audit.myActivity', {}));
    const events = activity.records.map((r) => r.event);
    for (const e of ['profile.create', 'auth.sign_in', 'session.lock', 'auth.failed', 'session.unlock', 'conversation.list']) expect(events).toContain(e);
    expect(activity.records.filter((r) => r.event === 'auth.failed').length).toBeGreaterThanOrEqual(4);
    const dump = JSON.stringify(activity);
    for (const secret of [CANARY.name, 'Canarywood', USERS.amara, 'wrong-password-here']) expect(dump).not.toContain(secret);
  });

  it('locks after the idle timeout (not before), on an OS lock, and signs out after the maximum session', async () => {
    desk.time.advance(9 * MIN);
    ok(await desk.call('session.reportActivity', {}));
    desk.time.advance(9 * MIN);
    expect(ok(await desk.call('session.state', {})).state).toBe('unlocked');
    desk.time.advance(1 * MIN + 1_000);
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'locked', reason: 'idle' });
    expect(await desk.call('conversations.inbox', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    await until('store closed after idle', async () => desk.core.profiles.current() === null);

    ok(await desk.call('profiles.open', { profileId: amaraId, password: USERS.amara }));
    desk.core.session.osEvent('lock-screen');
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'locked', reason: 'os_lock' });
    ok(await desk.call('profiles.open', { profileId: amaraId, password: USERS.amara }));
    desk.core.session.osEvent('suspend');
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'locked', reason: 'suspend' });

    ok(await desk.call('profiles.open', { profileId: amaraId, password: USERS.amara }));
    for (let i = 0; i < 12 * 6 + 2; i++) {
      desk.time.advance(9 * MIN + 59_000);
      desk.core.session.reportActivity();
    }
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'signed-out', reason: 'max_session' });
    expect(await desk.call('profiles.unlockWithPin', { profileId: amaraId, pin: '582941' })).toMatchObject({ ok: false });
  });

  it('switching user gives the next staff member none of the first one’s data, and logs carry no PHI', async () => {
    ok(await desk.call('profiles.open', { profileId: amaraId, password: USERS.amara }));
    ok(await desk.call('session.switchUser', {}));
    expect(ok(await desk.call('session.state', {})).state).toBe('locked');
    const cara = ok(await desk.call('account.firstSignIn', { server: 'localhost', username: 'cara', password: USERS.cara, displayName: 'Cara' }));
    expect(ok(await desk.call('session.state', {}))).toMatchObject({ state: 'unlocked', staffId: cara.profile.id });
    const visible = JSON.stringify([
      ok(await desk.call('conversations.inbox', {})),
      ok(await desk.call('messages.search', { query: 'Canarywood' })),
      ok(await desk.call('messaging.directory', {})),
      ok(await desk.call('audit.myActivity', {})),
      ok(await desk.call('profiles.list', {})),
    ]);
    for (const canary of Object.values(CANARY)) expect(visible).not.toContain(canary);
    expect(visible).not.toContain('Canarywood');

    await new Promise((r) => setTimeout(r, 200));
    for (const s of [desk, nurse]) {
      for (const file of await filesUnder(path.join(s.dataDir, 'logs'))) {
        const text = await fs.readFile(file, 'utf8');
        for (const secret of [...Object.values(CANARY), 'Canarywood', ...Object.values(USERS)]) expect(text, file).not.toContain(secret);
      }
    }
  });
});

describe('the admin role', () => {
  it('lets only configured admin addresses see and verify the whole device trail', async () => {
    const shared = await station('admin', {}, ['cara@localhost']);
    const amara = ok(await shared.call('account.firstSignIn', { server: 'localhost', username: 'amara', password: USERS.amara, displayName: 'Amara' }));
    expect(await shared.call('audit.deviceActivity', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await shared.call('audit.verify', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    ok(await shared.call('session.switchUser', {}));
    ok(await shared.call('account.firstSignIn', { server: 'localhost', username: 'cara', password: USERS.cara, displayName: 'Cara' }));
    const device = ok(await shared.call('audit.deviceActivity', {}));
    expect(device.records.some((r) => r.staffId === amara.profile.id)).toBe(true);
    expect(ok(await shared.call('audit.verify', {}))).toMatchObject({ ok: true });
    const own = ok(await shared.call('audit.myActivity', {}));
    expect(own.records.every((r) => r.staffId !== amara.profile.id)).toBe(true);
  });
});

