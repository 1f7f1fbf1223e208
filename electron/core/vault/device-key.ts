import crypto from 'node:crypto';
import { CoreError } from '../errors.ts';
import type { Keychain } from '../keychain/keychain.ts';

/** The keychain account holding this computer's device key (base64, 256 bits). */
export const DEVICE_KEY_ACCOUNT = 'device-key';

const NO_KEYCHAIN =
  'The system keychain is not answering, so Sealwire will not store patient information on this computer. ' +
  'On Linux, install and unlock GNOME Keyring (or another Secret Service); on Windows and macOS, sign in to the computer normally.';

const BAD_ENTRY =
  'The Sealwire entry in the system keychain is not valid, so no staff profile can be opened on this computer. Ask IT to reset Sealwire on this computer.';

export const keychainUnavailable = (cause?: unknown): CoreError => new CoreError('keychain_unavailable', NO_KEYCHAIN, { cause });

/** A short public fingerprint, stored in key files so "this profile belongs to another computer" is a clear error. */
export const deviceFingerprint = (deviceKey: Buffer): string =>
  crypto.createHmac('sha256', deviceKey).update('sealwire/device-fingerprint/v1').digest('hex').slice(0, 16);

/**
 * In degraded mode (policy allows working without a keychain) key files are bound to this
 * constant instead, i.e. protected by the password alone. Status says so on screen.
 */
export const UNBOUND_DEVICE_KEY = Buffer.alloc(32, 0);

function decode(secret: string): Buffer {
  const key = Buffer.from(secret, 'base64');
  if (key.length !== 32 || key.toString('base64') !== secret) throw new CoreError('keychain_unavailable', BAD_ENTRY);
  return key;
}

async function read(keychain: Keychain): Promise<string | null> {
  try {
    return await keychain.get(DEVICE_KEY_ACCOUNT);
  } catch (err) {
    throw err instanceof CoreError && err.code === 'keychain_unavailable' ? err : keychainUnavailable(err);
  }
}

/** The device key if this computer has one; null when the keychain works but holds none yet. */
export async function loadDeviceKey(keychain: Keychain): Promise<Buffer | null> {
  const secret = await read(keychain);
  return secret === null ? null : decode(secret);
}

/**
 * Creates the device key on first use. Reads it back after writing so a keychain that
 * silently drops writes is caught before any profile depends on it.
 */
export async function loadOrCreateDeviceKey(keychain: Keychain): Promise<Buffer> {
  const existing = await loadDeviceKey(keychain);
  if (existing) return existing;
  const fresh = crypto.randomBytes(32);
  const encoded = fresh.toString('base64');
  try {
    await keychain.set(DEVICE_KEY_ACCOUNT, encoded);
  } catch (err) {
    fresh.fill(0);
    throw err instanceof CoreError && err.code === 'keychain_unavailable' ? err : keychainUnavailable(err);
  }
  const stored = await read(keychain);
  if (stored !== encoded) {
    fresh.fill(0);
    throw keychainUnavailable();
  }
  return fresh;
}
