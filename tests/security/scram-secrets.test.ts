import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccount, withScramKeys, writeAccount } from '../../electron/core/account/stored-account.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { connect } from '../../electron/core/store/connection.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { organisationServerFrom } from '../../electron/dev/workstation.ts';
import type { Result } from '../../shared/contract/index.ts';
import { startTestCore, type TestCore } from '../support/test-core.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// Issue 8 item 6: the store keeps what SCRAM needs, never the server password (which is also the
// vault password). Real core, real keychain, real encrypted store, real Prosody.

const CANARY = `canary-pw-${randomUUID().slice(0, 8)}`;
const USER = { username: 'rosa', password: CANARY };
let prosody: ProsodyHandle;
const cores: TestCore[] = [];
const keychains: Keychain[] = [];

beforeAll(async () => {
  prosody = await startProsody({ users: [USER], mucDomain: false, httpUpload: false });
});

afterAll(async () => {
  for (const t of cores) await t.close().catch(() => undefined);
  for (const k of keychains) for (const a of await k.accounts().catch(() => [])) await k.delete(a).catch(() => false);
  await removeTempDirs();
  await prosody?.stop();
});

interface Station extends TestCore {
  /** Resolves at the next 'online' connection event. */
  online(timeoutMs?: number): Promise<void>;
}

async function station(dataDir: string, keychain: Keychain): Promise<Station> {
  const t = await startTestCore({ dataDir, keychain, server: organisationServerFrom(prosody) });
  cores.push(t);
  const online = (timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not online')), timeoutMs);
      const off = t.core.events.subscribe((name, payload) => {
        if (name === 'messaging.connection' && (payload as { state: string }).state === 'online') {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  return { ...t, online };
}

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Every cell of every table of the decrypted store, as text (blobs as latin1). */
async function decryptedText(dataDir: string, keychain: Keychain, profileId: string): Promise<string> {
  const vault = createVault({ dataDir, keychain, log: silentLogger });
  const { key, paths } = await vault.openProfile(profileId, CANARY);
  const db = connect({ file: paths.storeFile, key, create: false, keyVerified: false });
  key.fill(0);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
    let out = '';
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Array<Record<string, unknown>>) {
        for (const v of Object.values(row)) out += `${Buffer.isBuffer(v) ? v.toString('latin1') : String(v)}\n`;
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** A new workstation where Rosa has just completed her first sign-in and messaging is online. */
async function signedIn(name: string) {
  const dataDir = makeTempDir(name);
  const keychain = createKeytarKeychain(`Sealwire-test-${randomUUID()}`);
  keychains.push(keychain);
  const s = await station(dataDir, keychain);
  const online = s.online();
  const { profile } = ok(await s.call('account.firstSignIn', { server: prosody.domain, username: USER.username, password: CANARY, displayName: 'Rosa' }));
  await online;
  return { s, profile, dataDir, keychain };
}

describe('the store keeps SCRAM keys, not the server password', () => {
  it('first sign-in stores no password; messaging reconnects after a dropped socket and after a restart', async () => {
    const { s, profile, dataDir, keychain } = await signedIn('security-scram-secrets');
    // Dropped connection: the server dies and comes back; signing in again needs SASL (new session).
    const back = s.online(30_000);
    await prosody.kill();
    await prosody.restart();
    await back;
    ok(await s.call('profiles.close', {}));
    const text = await decryptedText(dataDir, keychain, profile.id);
    expect(text).toContain('"scram"');
    expect(text).not.toContain(CANARY);
    // Restart of the app: a new core over the same folder and keychain signs in from the stored keys.
    await s.close();
    const again = await station(dataDir, keychain);
    const reconnected = again.online();
    ok(await again.call('profiles.open', { profileId: profile.id, password: CANARY }));
    await reconnected;
    ok(await again.call('profiles.close', {}));
    expect(await decryptedText(dataDir, keychain, profile.id)).not.toContain(CANARY);
  });

  it('an account stored with its password (before this change) is migrated to SCRAM keys on its first unlock', async () => {
    const { s, profile, dataDir, keychain } = await signedIn('security-scram-migrate');
    // Write the account as the previous version did: the password in clear inside the store.
    const store = s.core.profiles.require().store;
    const account = readAccount(store)!;
    writeAccount(store, { username: account.username, server: account.server, password: CANARY });
    ok(await s.call('profiles.close', {}));
    expect(await decryptedText(dataDir, keychain, profile.id)).toContain(CANARY);
    const migrated = s.online();
    ok(await s.call('profiles.open', { profileId: profile.id, password: CANARY }));
    await migrated;
    const after = readAccount(s.core.profiles.require().store)!;
    expect(after).not.toHaveProperty('password');
    expect(after).toEqual(withScramKeys(account, after.scram!));
    ok(await s.call('profiles.close', {}));
    expect(await decryptedText(dataDir, keychain, profile.id)).not.toContain(CANARY);
  });
});
