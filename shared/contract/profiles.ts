import { z } from 'zod';
import { defineMethod } from './define.ts';

/** Secrets are bounded so a hostile renderer cannot make main hash megabytes. */
export const Password = z.string().min(1).max(1024);
const Pin = z.string().regex(/^\d{1,12}$/);
const ProfileId = z.uuid();

/** What the sign-in screen may show about a profile: no PHI, no key material. */
export const ProfileSummary = z.strictObject({
  id: ProfileId,
  displayName: z.string().max(64),
  createdAt: z.number().int().nonnegative(),
  /** A live quick-unlock PIN exists (set after a full sign-in, not yet expired or locked out). */
  hasPin: z.boolean(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

/**
 * 'keychain': keys are bound to this computer's keychain. 'degraded': no keychain, but policy allows
 * password-only protection; the UI must say so. 'unavailable': no keychain, nothing can be stored.
 */
export const VaultProtection = z.enum(['keychain', 'degraded', 'unavailable']);
export type VaultProtection = z.infer<typeof VaultProtection>;

const Opened = z.strictObject({ profile: ProfileSummary });
const Empty = z.strictObject({});

export const profilesMethods = {
  'profiles.list': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({ protection: VaultProtection, profiles: z.array(ProfileSummary).max(500) }),
    access: 'public',
    audit: null,
  }),
  /** The profile open on this workstation, if any (e.g. after a renderer reload). */
  'profiles.current': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({ profile: ProfileSummary.nullable() }),
    access: 'public',
    audit: null,
  }),
  /** Creates a profile and opens it (the staff member has just typed the password). */
  'profiles.create': defineMethod({
    request: z.strictObject({ displayName: z.string().min(1).max(64), password: Password }),
    response: Opened,
    access: 'public',
    audit: { event: 'profile.create', selfRecorded: true },
  }),
  'profiles.open': defineMethod({
    request: z.strictObject({ profileId: ProfileId, password: Password }),
    response: Opened,
    access: 'public',
    audit: { event: 'auth.sign_in', secret: true, selfRecorded: true },
  }),
  'profiles.unlockWithPin': defineMethod({
    request: z.strictObject({ profileId: ProfileId, pin: Pin }),
    response: Opened,
    access: 'public',
    audit: { event: 'session.unlock', secret: true, selfRecorded: true },
  }),
  'profiles.close': defineMethod({
    request: Empty,
    response: Empty,
    access: 'public',
    audit: { event: 'auth.sign_out', selfRecorded: true },
  }),
  /** Sets the quick-unlock PIN of the open profile. */
  'profiles.setPin': defineMethod({
    request: z.strictObject({ pin: Pin }),
    response: z.strictObject({ expiresAt: z.number().int() }),
    access: 'phi',
    audit: { event: 'auth.pin_set' },
  }),
  'profiles.changePassword': defineMethod({
    request: z.strictObject({ profileId: ProfileId, oldPassword: Password, newPassword: Password }),
    response: Empty,
    access: 'public',
    audit: { event: 'auth.password_change', secret: true },
  }),
  /** Wipes one profile (store, attachments, key file). The password proves it is the owner's choice. */
  'profiles.wipe': defineMethod({
    request: z.strictObject({ profileId: ProfileId, password: Password }),
    response: Empty,
    access: 'public',
    audit: { event: 'wipe.profile', secret: true },
  }),
};

// Audit names above that AuditEventType (audit.ts) does not list yet: 'profile.create', 'auth.pin_set',
// 'auth.password_change'. They belong there; the others match existing kinds.

export const profilesEvents = {
  /** A profile's store is being converted to a new storage format while it opens (the screen says "updating your messages"). */
  'profiles.updating': z.strictObject({ updating: z.boolean() }),
};
