import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { createProfileHolder } from '../../electron/core/vault/open-profile.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { profilesDispatcher } from '../support/profiles-dispatcher.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dataDir: string;
let keychain: Keychain;

beforeEach(() => {
  dataDir = makeTempDir('pin-policy');
  keychain = createKeytarKeychain(`Sealwire-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await removeTempDir(dataDir);
});

describe('policy minPinLength (issue 12)', () => {
  it('refuses a shorter PIN with pin_too_short {min}, and retires a PIN that policy later outgrows', async () => {
    let minPinLength = 8;
    const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: { log2N: 10, r: 8, p: 1 }, settings: () => ({ pinMinDigits: minPinLength }) });
    const holder = createProfileHolder<Store>({ vault, log: silentLogger, openStore: (o) => openStore(o) });
    const { dispatcher } = profilesDispatcher({ vault, holder, dataDir, keychain });
    const call = (method: string, request: unknown) => dispatcher.call(method, request, { transport: 'bridge' });

    const created = (await call('profiles.create', { displayName: 'Front desk', password: 'front-desk-password' })) as { ok: true; value: { profile: { id: string } } };
    expect(created.ok).toBe(true);
    const id = created.value.profile.id;
    const hasPin = async () => ((await call('profiles.list', {})) as { ok: true; value: { profiles: { id: string; hasPin: boolean }[] } }).value.profiles.find((p) => p.id === id)?.hasPin;

    expect(await call('profiles.setPin', { pin: '284719' })).toMatchObject({ ok: false, error: { code: 'pin_too_short', params: { min: 8 } } });
    expect(await hasPin()).toBe(false);
    expect(await call('profiles.setPin', { pin: '28471936' })).toMatchObject({ ok: true });
    expect(await hasPin()).toBe(true);

    // IT raises the minimum: the 8-digit PIN no longer unlocks; a full sign-in, then a new PIN.
    minPinLength = 10;
    expect(await hasPin()).toBe(false);
    expect(await call('profiles.setPin', { pin: '28471936' })).toMatchObject({ ok: false, error: { code: 'pin_too_short', params: { min: 10 } } });

    // Policy never lowers the built-in six digits.
    minPinLength = 4;
    expect(await call('profiles.setPin', { pin: '2847' })).toMatchObject({ ok: false, error: { code: 'pin_too_short', params: { min: 6 } } });
    expect(await call('profiles.close', {})).toEqual({ ok: true, value: {} });
  });
});
