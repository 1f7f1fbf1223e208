import { CoreError } from '../errors.ts';
import { deviceKeyFor } from './device-binding.ts';
import { pinAad, pinInfo, readKeyFile, writeKeyFile, type KeyFile, type KeySlot } from './key-file.ts';
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

/** A PIN slot as this process holds it: never written to disk or the keychain. */
interface LivePin {
  readonly slot: KeySlot;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Its length, so a policy raising minPinLength retires a shorter PIN (a full sign-in, then a new PIN). */
  readonly digits: number;
  failedCount: number;
}

export interface QuickUnlock {
  /** True while the profile has a PIN slot in this process and its window is open. */
  has(profileId: string): boolean;
  set(profileId: string, pin: string, key: Buffer): Promise<{ expiresAt: number }>;
  unlock(profileId: string, pin: string): Promise<UnwrappedProfile>;
  /** Forgets the profile's PIN slot (sign-out, password change, rekey, wipe). */
  drop(profileId: string): void;
  dropAll(): void;
}

/**
 * Quick unlock (issue 8 item 3). The PIN-wrapped database key lives only in this process's memory,
 * so it exists exactly while the staff member's session is alive in the running app: sign-out,
 * quit and a crash all end it, and a copied profile folder plus the keychain's device key give an
 * offline guesser nothing to try PINs against. A lock keeps it; that is what quick unlock is for.
 */
export function createQuickUnlock(ctx: VaultContext): QuickUnlock {
  const pins = new Map<string, LivePin>();

  /** A policy tightened after the PIN was set shortens its window at once. */
  const live = (profileId: string): LivePin | null => {
    const pin = pins.get(profileId);
    if (pin === undefined) return null;
    const at = ctx.now();
    const settings = ctx.settings();
    if (pin.createdAt <= at && at < Math.min(pin.expiresAt, pin.createdAt + settings.quickUnlockWindowMs) && pin.digits >= settings.pinMinDigits) return pin;
    pins.delete(profileId);
    ctx.log.info('vault.pin_expired', { profileId });
    return null;
  };

  const drop = (profileId: string) => {
    if (pins.delete(profileId)) ctx.log.info('vault.pin_dropped', { profileId });
  };

  return {
    has: (profileId) => live(profileId) !== null,
    drop,
    dropAll: () => pins.clear(),

    async set(profileId, pin, key) {
      const verdict = checkPin(pin, ctx.settings().pinMinDigits);
      if (!verdict.ok && verdict.tooShortFor !== undefined) throw new CoreError('pin_too_short', verdict.reason, { params: { min: verdict.tooShortFor } });
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
        pins.set(profileId, { slot: made.slot, createdAt, expiresAt, digits: pin.length, failedCount: 0 });
      } finally {
        deviceKey.fill(0);
      }
      ctx.log.info('vault.pin_set', { profileId });
      return { expiresAt };
    },

    async unlock(profileId, pin) {
      const paths = ctx.pathsOf(profileId);
      // The key file first, so a damaged one is reported as such whether or not a PIN is set.
      const file = await requireKeyFile(paths, profileId);
      const held = live(profileId);
      if (held === null || file === null || (await readKeyFile(paths.pendingKeyFile, profileId).catch(() => null)) !== null) {
        throw new CoreError('unauthorized', NO_QUICK_UNLOCK);
      }
      // Counted before the attempt runs; calls are serial, so no burst gets past the limit.
      held.failedCount += 1;
      const deviceKey = await deviceKeyFor(ctx, file);
      let key: Buffer | null;
      try {
        const kek = await slotKek(held.slot, pin, deviceKey);
        key = open(kek, held.slot.box, pinAad(profileId, held.createdAt, held.expiresAt));
        kek.fill(0);
      } finally {
        deviceKey.fill(0);
      }
      if (key === null) {
        if (held.failedCount >= MAX_PIN_ATTEMPTS) {
          pins.delete(profileId);
          ctx.log.warn('vault.pin_locked_out', { profileId });
          throw new CoreError('pin_locked_out', PIN_LOCKED);
        }
        ctx.log.warn('vault.wrong_pin', { profileId, attempts: held.failedCount });
        throw new CoreError('wrong_pin', WRONG_PIN);
      }
      held.failedCount = 0;
      ctx.log.info('vault.opened', { profileId, method: 'pin' });
      return { profileId, key, pendingKey: null, paths };
    },
  };
}

/**
 * Migration: key files written before issue 8 may carry a PIN slot that an offline guesser could
 * attack. It is removed the first time the vault reads the file (listing or opening).
 */
export async function removeDiskPin(ctx: VaultContext, paths: ProfilePaths, file: KeyFile, profileId: string): Promise<KeyFile> {
  if (file.pin === null) return file;
  const clean = { ...file, pin: null };
  await writeKeyFile(paths.keyFile, clean);
  ctx.log.warn('vault.disk_pin_removed', { profileId });
  return clean;
}
