import { z } from 'zod';
import { defineMethod } from './define.ts';
import { Password, ProfileSummary } from './profiles.ts';

/** What the first sign-in screen needs to know before anyone has signed in. */
export const SignInConfig = z.strictObject({
  /** The organisation's XMPP domain from configuration; null when the staff member types it. */
  server: z.string().max(253).nullable(),
  /** True when IT set the server: the field is shown read-only, "managed by your organisation". */
  serverManaged: z.boolean(),
  /** The organisation's display name from managed configuration. */
  organisationName: z.string().max(100).nullable(),
  /** An admin wiped this device remotely: the sign-in screen says so until a new profile exists. */
  wipedByOrganisation: z.boolean(),
});
export type SignInConfig = z.infer<typeof SignInConfig>;

export const accountMethods = {
  'account.signInConfig': defineMethod({
    request: z.strictObject({}),
    response: SignInConfig,
    access: 'public',
    audit: null,
  }),
  /**
   * First sign-in on this workstation: the credentials are checked against the organisation's
   * server, then a staff profile protected by the same password is created, opened and synced.
   * Errors: wrong_password, network (server unreachable), certificate (untrusted), unsupported
   * (no secure sign-in offered), conflict (this account already has a profile here).
   */
  'account.firstSignIn': defineMethod({
    request: z.strictObject({
      server: z.string().min(1).max(253),
      username: z.string().min(1).max(1023),
      password: Password,
      displayName: z.string().min(1).max(64),
    }),
    response: z.strictObject({ profile: ProfileSummary }),
    access: 'public',
    audit: { event: 'profile.create', secret: true, selfRecorded: true },
  }),
  /**
   * The password was changed on the server (connection state auth_failed): the new one is checked
   * against the server, then the profile is re-protected with it. Needs the signed-in session.
   */
  'account.updatePassword': defineMethod({
    // currentPassword: the vault's password, so that it follows the new server password.
    request: z.strictObject({ newPassword: Password, currentPassword: Password.optional() }),
    response: z.strictObject({}),
    access: 'phi',
    audit: { event: 'auth.password_change', secret: true },
  }),
};

export const accountEvents = {};
