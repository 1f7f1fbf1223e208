import type { profilesMethods } from '../../../../shared/contract/profiles.ts';
import type { AuditEntry } from '../../audit/log.ts';
import { CoreError } from '../../errors.ts';
import type { SessionController } from '../../session/controller.ts';
import type { SignInClaim } from '../../session/sign-in-claim.ts';
import type { SignInLimits } from '../../session/sign-in-limits.ts';
import type { ProfileHolder, VaultStore } from '../../vault/open-profile.ts';
import type { ProfileSummary, Vault } from '../../vault/vault.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface ProfilesHandlerDeps<S extends VaultStore> {
  readonly vault: Vault;
  readonly holder: ProfileHolder<S>;
  readonly session: SessionController;
  /** Every call that tests a password runs under the sign-in limits. */
  readonly limits: SignInLimits;
  /** One person signing in at a time, and never over another person's unlocked session. */
  readonly claim: SignInClaim;
  readonly record: (entry: AuditEntry) => void;
  /** Settles once a session's leave (stop messaging, close the store) has finished. */
  readonly closing: () => Promise<void>;
}

const PIN_ONLY_OWN = 'A PIN only unlocks your own locked session. Sign in with your password.';

/**
 * profiles.*: creating, opening, unlocking and wiping staff profiles, and the session each one
 * starts or ends. Most audit records come from the dispatcher's hooks (the contract's `audit`
 * entry); profile creation is recorded here because only here is the new profile's id known.
 * Nothing here returns key material.
 */
export function profilesHandlers<S extends VaultStore>(deps: ProfilesHandlerDeps<S>): HandlersFor<typeof profilesMethods> {
  const { vault, holder, session, limits, claim } = deps;
  const summary = async (profileId: string): Promise<ProfileSummary> => {
    const found = (await vault.listProfiles()).find((p) => p.id === profileId);
    if (!found) throw new Error('opened profile missing from the list');
    return found;
  };
  return {
    'profiles.list': async () => {
      const [protection, profiles] = await Promise.all([vault.protection(), vault.listProfiles()]);
      return { protection, profiles };
    },
    'profiles.current': async () => {
      const open = holder.current();
      return { profile: open === null ? null : await summary(open.profileId) };
    },
    'profiles.create': ({ displayName, password }) =>
      claim.run(null, async () => {
        const open = await holder.create(displayName, password);
        deps.record({ event: 'profile.create', staffId: open.profileId, targets: [`profile:${open.profileId}`] });
        session.signIn(open.profileId);
        return { profile: await summary(open.profileId) };
      }),
    'profiles.open': ({ profileId, password }) =>
      claim.run(profileId, async () => {
        await limits.guard(profileId, () => holder.openWithPassword(profileId, password));
        const now = session.state();
        if (now.state === 'locked' && now.staffId === profileId) session.unlock(profileId, 'password');
        else session.signIn(profileId);
        return { profile: await summary(profileId) };
      }),
    'profiles.unlockWithPin': ({ profileId, pin }) => {
      // Your own locked session, in front or kept aside while a colleague used the workstation.
      if (!session.isLocked(profileId)) throw new CoreError('unauthorized', PIN_ONLY_OWN);
      return claim.run(profileId, async () => {
        await holder.unlockWithPin(profileId, pin);
        try {
          session.unlock(profileId, 'pin');
        } catch (err) {
          await holder.close(profileId);
          throw err;
        }
        return { profile: await summary(profileId) };
      });
    },
    'profiles.close': async () => {
      if (session.state().state !== 'signed-out') session.signOut('sign_out');
      await deps.closing();
      if (session.state().state === 'signed-out') await holder.close();
      return {};
    },
    'profiles.setPin': async ({ pin }) => holder.setPin(pin),
    'profiles.changePassword': async ({ profileId, oldPassword, newPassword }) => {
      await limits.guard(profileId, () => vault.changePassword(profileId, oldPassword, newPassword));
      return {};
    },
    'profiles.wipe': async ({ profileId, password }) => {
      // Proves the owner's intent: a walk-up user cannot wipe a colleague's profile.
      await limits.guard(profileId, async () => {
        await vault.verifyPassword(profileId, password);
        await holder.wipe(profileId);
      });
      session.end(profileId, 'wipe');
      return {};
    },
  };
}
