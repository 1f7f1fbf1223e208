import { CoreError } from '../errors.ts';
import { deviceKeyFor } from './device-binding.ts';
import { pinAad, pinInfo, readKeyFile, writeKeyFile, type KeyFile, type PinSlot } from './key-file.ts';
import { newSlot, requireKeyFile, slotKek } from './key-slots.ts';
import type { ProfilePaths } from './layout.ts';
import { open } from './seal.ts';
import { checkPin } from './secret-rules.ts';
import type { VaultContext } from './vault-context.ts';
import type { UnwrappedProfile } from './vault-types.ts';

export const MAX_PIN_ATTEMPTS = 5;

const NO_QUICK_UNLOCK = 'Quick unlock is not available for this profile right now. Sign in with your password.';
const WRONG_PIN = 'That PIN is not right.';
const PIN_LOCKED = 'Too many wrong PINs. Quick unlock is switched off; sign in with your password.';

/** A policy tightened after the PIN was set shortens its window at once. */
export function pinLive(ctx: VaultContext, pin: PinSlot | null): pin is PinSlot {
  if (pin === null) return false;
  const at = ctx.now();
  return pin.createdAt <= at && at < Math.min(pin.expiresAt, pin.createdAt + ctx.settings().quickUnlockWindowMs);
}

/** Drops a PIN slot whose window has passed (a password sign-in does this on the way). */
export async function expireStalePin(ctx: VaultContext, paths: ProfilePaths, file: KeyFile, profileId: string): Promise<void> {
  if (file.pin === null || pinLive(ctx, file.pin)) return;
  await writeKeyFile(paths.keyFile, { ...file, pin: null });
  ctx.log.info('vault.pin_expired', { profileId });
}

export async function unlockWithPin(ctx: VaultContext, profileId: string, pin: string): Promise<UnwrappedProfile> {
  const paths = ctx.pathsOf(profileId);
  const file = await requireKeyFile(paths, profileId);
  if (file === null || file.pin === null) throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
  if (!pinLive(ctx, file.pin)) {
    await expireStalePin(ctx, paths, file, profileId);
    throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
  }
  if ((await readKeyFile(paths.pendingKeyFile, profileId).catch(() => null)) !== null) {
    throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
  }
  const slot = file.pin;
  // Count the attempt on disk before trying it, so killing the process mid-try does not reset the count.
  const attempts = slot.failedCount + 1;
  await writeKeyFile(paths.keyFile, { ...file, pin: { ...slot, failedCount: attempts } });
  const deviceKey = await deviceKeyFor(ctx, file);
  let key: Buffer | null;
  try {
    const kek = await slotKek(slot, pin, deviceKey);
    key = open(kek, slot.box, pinAad(profileId, slot.createdAt, slot.expiresAt));
    kek.fill(0);
  } finally {
    deviceKey.fill(0);
  }
  if (key === null) {
    if (attempts >= MAX_PIN_ATTEMPTS) {
      await writeKeyFile(paths.keyFile, { ...file, pin: null });
      ctx.log.warn('vault.pin_locked_out', { profileId });
      throw new CoreError('pin_locked_out', PIN_LOCKED);
    }
    ctx.log.warn('vault.wrong_pin', { profileId, attempts });
    throw new CoreError('wrong_pin', WRONG_PIN);
  }
  await writeKeyFile(paths.keyFile, { ...file, pin: { ...slot, failedCount: 0 } });
  ctx.log.info('vault.opened', { profileId, method: 'pin' });
  return { profileId, key, pendingKey: null, paths };
}

export async function setPin(ctx: VaultContext, profileId: string, pin: string, key: Buffer): Promise<{ expiresAt: number }> {
  const verdict = checkPin(pin);
  if (!verdict.ok) throw new CoreError('invalid_request', verdict.reason);
  const window = ctx.settings().quickUnlockWindowMs;
  if (window === 0) throw new CoreError('unsupported', 'Quick unlock is switched off on this computer.');
  const paths = ctx.pathsOf(profileId);
  const file = await requireKeyFile(paths, profileId);
  if (file === null) throw new CoreError('not_found', 'That staff profile does not exist on this computer.');
  const deviceKey = await deviceKeyFor(ctx, file);
  const createdAt = ctx.now();
  const expiresAt = createdAt + window;
  try {
    const made = await newSlot(ctx, pin, deviceKey, pinInfo(profileId), pinAad(profileId, createdAt, expiresAt), key);
    made.kek.fill(0);
    await writeKeyFile(paths.keyFile, { ...file, pin: { ...made.slot, createdAt, expiresAt, failedCount: 0 } });
  } finally {
    deviceKey.fill(0);
  }
  ctx.log.info('vault.pin_set', { profileId });
  return { expiresAt };
}

export async function removePin(ctx: VaultContext, profileId: string): Promise<void> {
  const paths = ctx.pathsOf(profileId);
  const file = await requireKeyFile(paths, profileId);
  if (file?.pin) await writeKeyFile(paths.keyFile, { ...file, pin: null });
}
