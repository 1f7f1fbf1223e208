import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keychain } from '../../electron/core/keychain/keychain.ts';
import { ATTEMPTS_ACCOUNT } from '../../electron/core/session/attempts-store.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import type { Result } from '../../shared/contract/index.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// Issue 8 item 5: each attack runs through the real core (createCore: real keychain, real
// encrypted files, real Prosody); only the clock is fake, so back-off delays pass instantly.

const PASSWORD = 'ana-correct-horse-1';
const SERVER_USER = { username: 'nora', password: 'nora-server-pass-77' };
let prosody: ProsodyHandle;
const cleanups: Array<() => Promise<void>> = [];

/** A workstation core; pass `dataDir` and `keychain` of an earlier one to restart it (same device). */
async function station(opts: { dataDir?: string; keychain?: Keychain; withServer?: boolean } = {}): Promise<TestCore> {
  const s = await startTestCore({
    dataDir: opts.dataDir ?? makeTempDir('security-sign-in'),
    ...(opts.keychain === undefined ? {} : { keychain: opts.keychain }),
    ...(opts.withServer ? { server: organisationServerFrom(prosody) } : {}),
  });
  cleanups.push(() => s.forget());
  return s;
}

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);

/** A profile that exists on the station, signed out again. */
async function signedOutProfile(s: TestCore, displayName = 'Ana Rivera', password = PASSWORD): Promise<string> {
  const id = ok(await s.call('profiles.create', { displayName, password })).profile.id;
  ok(await s.call('profiles.close', {}));
  return id;
}

/** Wrong passwords one after another, waiting out each delay, until the profile is locked out. */
async function lockOut(s: TestCore, profileId: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const result = await s.call('profiles.open', { profileId, password: `wrong-${i}-password` });
    if (!result.ok && result.error.code === 'rate_limited' && /locked/i.test(result.error.message)) return;
    if (!result.ok && result.error.retryAfterMs !== undefined) s.time.advance(result.error.retryAfterMs);
  }
  const last = await s.call('profiles.open', { profileId, password: PASSWORD });
  expect(last).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
}

beforeAll(async () => {
  prosody = await startProsody({ users: [SERVER_USER] });
});

afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean().catch(() => undefined);
  await removeTempDirs();
  await prosody?.stop();
});

describe('sign-in limits hold under concurrency (issue 8 item 5)', () => {
  it('counts every attempt of a parallel burst of 20 wrong passwords before it runs, and refuses the right one sent last', async () => {
    const s = await station();
    const id = await signedOutProfile(s);
    const burst = [...Array.from({ length: 20 }, (_, i) => `burst-wrong-${i}`), PASSWORD].map((password) =>
      s.call('profiles.open', { profileId: id, password }),
    );
    const codes = (await Promise.all(burst)).map(codeOf);
    // Three free tries and the one that starts the delay reach the vault; everything after is refused untried.
    expect(codes.filter((c) => c === 'wrong_password')).toHaveLength(4);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(17);
    expect(codes.at(-1)).toBe('rate_limited');
    expect(s.core.session.state()).toMatchObject({ state: 'signed-out', staffId: null });
    expect(s.core.profiles.current()).toBeNull();
  });

  it('limits account.firstSignIn per device: a server password cannot be guessed through the first sign-in form', async () => {
    const s = await station({ withServer: true });
    const attempt = (password: string) =>
      s.call('account.firstSignIn', { server: prosody.domain, username: SERVER_USER.username, password, displayName: 'Nora' });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(codeOf(await attempt(`server-guess-${i}`)));
    expect(codes).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'wrong_password', 'rate_limited']);
    // The right password is refused while the delay holds, and nothing is created.
    expect(codeOf(await attempt(SERVER_USER.password))).toBe('rate_limited');
    expect(ok(await s.call('profiles.list', {})).profiles).toEqual([]);
    // A parallel burst is counted the same way as for profiles.open.
    s.time.advance(5 * 60_000);
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`server-burst-${i}`)));
    expect(burst.map(codeOf).filter((c) => c === 'wrong_password')).toHaveLength(1);
    // Once the delay has passed, the owner gets in.
    s.time.advance(10 * 60_000);
    expect(ok(await attempt(SERVER_USER.password)).profile.displayName).toBe('Nora');
  });
});

describe("one person's sign-in never touches another's session (issue 8 item 5)", () => {
  it('refuses signing in as B while A is unlocked, before anything of A is closed or of B opened', async () => {
    const s = await station();
    const bId = await signedOutProfile(s, 'Ben Okafor', 'ben-battery-staple-22');
    const aId = ok(await s.call('profiles.create', { displayName: 'Amara Diallo', password: PASSWORD })).profile.id;
    const aStore = s.core.profiles.current()?.store;
    expect(aStore?.isOpen).toBe(true);

    const asB = await s.call('profiles.open', { profileId: bId, password: 'ben-battery-staple-22' });
    expect(asB).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const newProfile = await s.call('profiles.create', { displayName: 'Cara', password: 'cara-long-password-333' });
    expect(newProfile).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // A's session, store and PHI access are exactly as before.
    expect(s.core.session.state()).toMatchObject({ state: 'unlocked', staffId: aId });
    expect(s.core.profiles.current()?.profileId).toBe(aId);
    expect(s.core.profiles.current()?.store).toBe(aStore);
    expect(aStore?.isOpen).toBe(true);
    expect(await s.call('conversations.inbox', {})).toMatchObject({ ok: true });
    expect(ok(await s.call('profiles.list', {})).profiles.map((p) => p.displayName).sort()).toEqual(['Amara Diallo', 'Ben Okafor']);

    // After A locks, B may sign in on the same workstation (switching user).
    ok(await s.call('session.lockNow', { via: 'button' }));
    expect(ok(await s.call('profiles.open', { profileId: bId, password: 'ben-battery-staple-22' })).profile.id).toBe(bId);
    expect(s.core.session.state()).toMatchObject({ state: 'unlocked', staffId: bId });
  });
});

describe('one person signs in at a time (issue 8 item 5)', () => {
  it('lets only one of two parallel sign-ins (A and B) start a session, and the session serves that person\'s own store', async () => {
    const s = await station();
    const aId = await signedOutProfile(s, 'Amara Diallo', PASSWORD);
    const bId = await signedOutProfile(s, 'Ben Okafor', 'ben-battery-staple-22');
    const [asA, asB] = await Promise.all([
      s.call('profiles.open', { profileId: aId, password: PASSWORD }),
      s.call('profiles.open', { profileId: bId, password: 'ben-battery-staple-22' }),
    ]);
    expect([asA, asB].map(codeOf).sort()).toEqual(['conflict', 'ok']);
    const winner = asA.ok ? aId : bId;
    expect(s.core.session.state()).toMatchObject({ state: 'unlocked', staffId: winner });
    expect(s.core.profiles.current()?.profileId).toBe(winner);
    // A first sign-in racing a sign-in is refused the same way, and creates nothing.
    ok(await s.call('profiles.close', {}));
    const [open, created] = await Promise.all([
      s.call('profiles.open', { profileId: aId, password: PASSWORD }),
      s.call('profiles.create', { displayName: 'Cara', password: 'cara-long-password-333' }),
    ]);
    expect([open, created].map(codeOf).sort()).toEqual(['conflict', 'ok']);
    expect(s.core.profiles.current()?.profileId).toBe(s.core.session.state().staffId);
  });
});

describe('attempt counters are integrity-protected (issue 8 item 5)', () => {
  it('keeps a lockout when the attempts file is deleted, edited or rolled back between restarts', async () => {
    const first = await station();
    const id = await signedOutProfile(first);
    await lockOut(first, id);
    const file = path.join(first.dataDir, 'session', 'attempts.json');
    expect(fs.existsSync(file)).toBe(true);
    const lockedCopy = fs.readFileSync(file, 'utf8');
    await first.close();

    // Deleted: the keychain copy still says locked out.
    fs.rmSync(file);
    const afterDelete = await station({ dataDir: first.dataDir, keychain: first.keychain });
    expect(codeOf(await afterDelete.call('profiles.open', { profileId: id, password: PASSWORD }))).toBe('rate_limited');
    await afterDelete.close();

    // Edited to zero counts (with or without a made-up MAC): refused as tampered, the lockout holds.
    for (const mac of [null, 'ab'.repeat(32)]) {
      fs.writeFileSync(file, JSON.stringify({ counters: { profile: {}, device: {} }, mac }));
      const afterEdit = await station({ dataDir: first.dataDir, keychain: first.keychain });
      expect(codeOf(await afterEdit.call('profiles.open', { profileId: id, password: PASSWORD }))).toBe('rate_limited');
      await afterEdit.close();
    }

    // The keychain copy deleted, the authentic file restored: the file alone still holds the lockout.
    await first.keychain.delete(ATTEMPTS_ACCOUNT);
    fs.writeFileSync(file, lockedCopy);
    const fileOnly = await station({ dataDir: first.dataDir, keychain: first.keychain });
    const refused = await fileOnly.call('profiles.open', { profileId: id, password: PASSWORD });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

    // When the lockout is over, the right password opens the profile.
    fileOnly.time.advance(60 * 60_000);
    expect(ok(await fileOnly.call('profiles.open', { profileId: id, password: PASSWORD })).profile.id).toBe(id);
  });
});
