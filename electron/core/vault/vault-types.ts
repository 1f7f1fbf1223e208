import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import type { ScryptParams } from './kdf.ts';
import type { ProfilePaths } from './layout.ts';

export interface VaultOptions {
  readonly dataDir: string;
  readonly keychain: Keychain;
  readonly log: Logger;
  readonly now?: () => number;
  /** scrypt parameters for new wraps; existing key files keep the parameters they record. */
  readonly kdf?: ScryptParams;
  /** Quick-unlock window; clamped to at most 12 h. */
  readonly quickUnlockWindowMs?: number;
  /** Policy switch: store data protected by the password alone when no keychain works. */
  readonly allowDegradedWithoutKeychain?: boolean;
  readonly passwordMinChars?: number;
  readonly pinMinDigits?: number;
  /** Live policy, read at every operation; overrides the three fixed values above. */
  readonly settings?: () => Partial<VaultSettings>;
}

export interface VaultSettings {
  readonly quickUnlockWindowMs: number;
  readonly allowDegradedWithoutKeychain: boolean;
  readonly passwordMinChars: number;
  /** Policy minPinLength (never below the built-in 6). */
  readonly pinMinDigits: number;
}

export interface ProfileSummary {
  readonly id: string;
  readonly displayName: string;
  readonly createdAt: number;
  readonly hasPin: boolean;
}

/** 'keychain': normal; 'degraded': no keychain but policy allows password-only; 'unavailable': fail closed. */
export type VaultProtection = 'keychain' | 'degraded' | 'unavailable';

/**
 * An unwrapped database key, handed to the open-profile holder. `pendingKey` is set when a rekey
 * was interrupted: the store is under one of the two keys, and the holder reports which one opened it.
 */
export interface UnwrappedProfile {
  readonly profileId: string;
  readonly key: Buffer;
  readonly pendingKey: Buffer | null;
  readonly paths: ProfilePaths;
}

/** The part of the store the vault drives during a rekey. */
export interface RekeyableStore {
  rekey(newKey: Buffer): void | Promise<void>;
}

export interface Vault {
  protection(): Promise<VaultProtection>;
  listProfiles(): Promise<ProfileSummary[]>;
  /**
   * `initStore` runs inside the staging folder before the profile becomes visible, so a crash
   * never leaves a listed profile without its store.
   */
  createProfile(
    displayName: string,
    password: string,
    initStore?: (staged: ProfilePaths, key: Buffer) => Promise<void>,
  ): Promise<{ profile: ProfileSummary; unwrapped: UnwrappedProfile }>;
  openProfile(profileId: string, password: string): Promise<UnwrappedProfile>;
  unlockWithPin(profileId: string, pin: string): Promise<UnwrappedProfile>;
  /** Throws CoreError('wrong_password') unless the password unwraps this profile's key. */
  verifyPassword(profileId: string, password: string): Promise<void>;
  /**
   * `key` is the open profile's database key: only an open profile can set its PIN. The PIN slot
   * is held in this process only, until dropQuickUnlock, a password change, rekey, wipe, the
   * window's end or the fifth wrong PIN.
   */
  setPin(profileId: string, pin: string, key: Buffer): Promise<{ expiresAt: number }>;
  removePin(profileId: string): Promise<void>;
  /**
   * Ends quick unlock for the profile: the session layer calls this when the staff member's
   * session ends (sign-out, max session, wipe, user switch). A lock must not call it.
   */
  dropQuickUnlock(profileId: string): void;
  /** True while the profile's PIN window is live in this process. */
  hasQuickUnlock(profileId: string): boolean;
  changePassword(profileId: string, oldPassword: string, newPassword: string): Promise<void>;
  /** Returns the new key; the store is already under it when this resolves. */
  rekey(profileId: string, password: string, store: RekeyableStore): Promise<Buffer>;
  /** After an interrupted rekey: keep the key that opened the store, discard the other. */
  settlePendingKey(profileId: string, kept: 'current' | 'pending'): Promise<void>;
  wipeProfile(profileId: string): Promise<void>;
  wipeDevice(): Promise<void>;
  paths(profileId: string): ProfilePaths;
}
