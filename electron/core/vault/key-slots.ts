import crypto from 'node:crypto';
import { CoreError } from '../errors.ts';
import { deviceKeyFor } from './device-binding.ts';
import { deriveKek, scryptKey } from './kdf.ts';
import { kdfParams, kdfRecord, passwordAad, passwordInfo, readKeyFile, writeKeyFile, type KeyFile, type KeySlot } from './key-file.ts';
import { PROFILE_ID, type ProfilePaths } from './layout.ts';
import { readProfileMeta } from './profile-meta.ts';
import { open, seal } from './seal.ts';
import { checkPassword } from './secret-rules.ts';
import type { VaultContext } from './vault-context.ts';

const WRONG_PASSWORD = 'The password is not right for this profile.';
const MISSING_KEY_FILE = 'This staff profile’s key file is missing, so it cannot be opened. Ask IT to restore it or remove the profile.';

/** Spends the same scrypt work as a real attempt, so a missing profile answers like a wrong password. */
export async function burnKdf(ctx: VaultContext, secret: string): Promise<never> {
  (await scryptKey(secret, crypto.randomBytes(16), ctx.kdf)).fill(0);
  throw new CoreError('wrong_password', WRONG_PASSWORD);
}

/** The KEK of an existing slot for this secret (right or wrong: GCM decides). */
export const slotKek = async (slot: KeySlot, secret: string, deviceKey: Buffer): Promise<Buffer> =>
  deriveKek(secret, Buffer.from(slot.kdf.salt, 'base64'), kdfParams(slot.kdf), deviceKey, slot.hkdf.info);

/** A fresh slot wrapping `dbKey` under a KEK from `secret`; the caller zeroes the returned KEK. */
export async function newSlot(
  ctx: VaultContext,
  secret: string,
  deviceKey: Buffer,
  info: string,
  aad: string,
  dbKey: Buffer,
): Promise<{ slot: KeySlot; kek: Buffer }> {
  const salt = crypto.randomBytes(16);
  const kek = await deriveKek(secret, salt, ctx.kdf, deviceKey, info);
  return { slot: { kdf: kdfRecord(ctx.kdf, salt), hkdf: { hash: 'sha256', info }, box: seal(kek, dbKey, aad) }, kek };
}

/** Reads the key file of a profile that must exist; null when neither it nor the profile exists. */
export async function requireKeyFile(paths: ProfilePaths, profileId: string): Promise<KeyFile | null> {
  const file = await readKeyFile(paths.keyFile, profileId);
  if (file !== null) return file;
  if ((await readProfileMeta(paths.meta)) !== null) throw new CoreError('damaged_key_file', MISSING_KEY_FILE);
  return null;
}

/** Unwraps the database key with the password; returns the KEK too (rekey and pending keys reuse it). */
export async function unwrapWithPassword(
  ctx: VaultContext,
  profileId: string,
  password: string,
): Promise<{ paths: ProfilePaths; file: KeyFile; key: Buffer; kek: Buffer }> {
  const paths = ctx.pathsOf(profileId);
  const file = await requireKeyFile(paths, profileId);
  if (file === null) return burnKdf(ctx, password);
  const deviceKey = await deviceKeyFor(ctx, file);
  let kek: Buffer;
  try {
    kek = await slotKek(file.password, password, deviceKey);
  } finally {
    deviceKey.fill(0);
  }
  const key = open(kek, file.password.box, passwordAad(profileId));
  if (key === null || key.length !== 32) {
    kek.fill(0);
    ctx.log.warn('vault.wrong_password', { profileId });
    throw new CoreError('wrong_password', WRONG_PASSWORD);
  }
  return { paths, file, key, kek };
}

/** The key of an interrupted rekey, unwrapped with the same KEK; null when there is none (or it is unusable). */
export async function readPending(ctx: VaultContext, paths: ProfilePaths, profileId: string, kek: Buffer): Promise<Buffer | null> {
  try {
    const pending = await readKeyFile(paths.pendingKeyFile, profileId);
    if (pending === null) return null;
    const key = open(kek, pending.password.box, passwordAad(profileId));
    if (key === null) ctx.log.error('vault.pending_key_unusable', { profileId });
    return key;
  } catch (err) {
    ctx.log.error('vault.pending_key_damaged', { profileId, error: err });
    return null;
  }
}

/** Same database key, new wrap: messages are not re-encrypted. A pending key is re-wrapped too. */
export async function changePassword(ctx: VaultContext, profileId: string, oldPassword: string, newPassword: string): Promise<void> {
  const verdict = checkPassword(newPassword, ctx.settings().passwordMinChars);
  if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
  if (!PROFILE_ID.test(profileId)) return burnKdf(ctx, oldPassword);
  const { paths, file, key, kek } = await unwrapWithPassword(ctx, profileId, oldPassword);
  const pending = await readPending(ctx, paths, profileId, kek);
  kek.fill(0);
  const deviceKey = await deviceKeyFor(ctx, file);
  try {
    const made = await newSlot(ctx, newPassword, deviceKey, passwordInfo(profileId), passwordAad(profileId), key);
    if (pending) {
      const pendingBox = seal(made.kek, pending, passwordAad(profileId));
      await writeKeyFile(paths.pendingKeyFile, { ...file, password: { ...made.slot, box: pendingBox }, pin: null });
    }
    made.kek.fill(0);
    await writeKeyFile(paths.keyFile, { ...file, password: made.slot });
  } finally {
    deviceKey.fill(0);
    key.fill(0);
    pending?.fill(0);
  }
  ctx.log.info('vault.password_changed', { profileId });
}
