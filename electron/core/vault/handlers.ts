import type { Handlers } from '../ipc/dispatcher.ts';
import type { ProfileHolder, VaultStore } from './open-profile.ts';
import type { ProfileSummary, Vault } from './vault.ts';

type ProfileHandlers = Pick<
  Handlers,
  | 'profiles.list'
  | 'profiles.current'
  | 'profiles.create'
  | 'profiles.open'
  | 'profiles.unlockWithPin'
  | 'profiles.close'
  | 'profiles.setPin'
  | 'profiles.changePassword'
  | 'profiles.wipe'
>;

/**
 * The profiles.* methods. Audit records are written by the dispatcher's hooks from each method's
 * `audit` name; nothing here returns key material.
 */
export function profileHandlers<S extends VaultStore>(vault: Vault, holder: ProfileHolder<S>): ProfileHandlers {
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
    'profiles.create': async ({ displayName, password }) => {
      const open = await holder.create(displayName, password);
      return { profile: await summary(open.profileId) };
    },
    'profiles.open': async ({ profileId, password }) => {
      await holder.openWithPassword(profileId, password);
      return { profile: await summary(profileId) };
    },
    'profiles.unlockWithPin': async ({ profileId, pin }) => {
      await holder.unlockWithPin(profileId, pin);
      return { profile: await summary(profileId) };
    },
    'profiles.close': async () => {
      await holder.close();
      return {};
    },
    'profiles.setPin': async ({ pin }) => holder.setPin(pin),
    'profiles.changePassword': async ({ profileId, oldPassword, newPassword }) => {
      await vault.changePassword(profileId, oldPassword, newPassword);
      return {};
    },
    'profiles.wipe': async ({ profileId, password }) => {
      // Proves the owner's intent: a walk-up user cannot wipe a colleague's profile.
      await vault.verifyPassword(profileId, password);
      await holder.wipe(profileId);
      return {};
    },
  };
}
