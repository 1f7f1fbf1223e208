import { CoreError } from '../errors.ts';
import { deviceFingerprint, loadDeviceKey, loadOrCreateDeviceKey, UNBOUND_DEVICE_KEY } from './device-key.ts';
import type { KeyFile } from './key-file.ts';
import type { VaultContext } from './vault-context.ts';

const OTHER_DEVICE =
  'This staff profile belongs to another computer (or this computer’s keychain was reset), so it cannot be opened here. Create a new profile on this computer.';

export const keychainWorks = async (ctx: VaultContext): Promise<boolean> => (await ctx.keychain.probe()).ok;

/** The device key for a new profile, or the unbound constant in allowed degraded mode. */
export async function deviceKeyForNewProfile(ctx: VaultContext): Promise<{ key: Buffer; binding: KeyFile['device'] }> {
  try {
    const key = await loadOrCreateDeviceKey(ctx.keychain);
    return { key, binding: { binding: 'keychain', fingerprint: deviceFingerprint(key) } };
  } catch (err) {
    if (!(err instanceof CoreError && err.code === 'keychain_unavailable') || !ctx.settings().allowDegradedWithoutKeychain) throw err;
    if (await keychainWorks(ctx)) throw err; // the entry is bad, not the keychain: never silently downgrade
    ctx.log.warn('vault.degraded_profile', {});
    return { key: Buffer.from(UNBOUND_DEVICE_KEY), binding: { binding: 'none', fingerprint: null } };
  }
}

/** The device key an existing key file is bound to; the caller zeroes it. */
export async function deviceKeyFor(ctx: VaultContext, file: KeyFile): Promise<Buffer> {
  if (file.device.binding === 'none') return Buffer.from(UNBOUND_DEVICE_KEY);
  const key = await loadDeviceKey(ctx.keychain);
  if (key === null || deviceFingerprint(key) !== file.device.fingerprint) {
    key?.fill(0);
    throw new CoreError('unauthorized', OTHER_DEVICE);
  }
  return key;
}
