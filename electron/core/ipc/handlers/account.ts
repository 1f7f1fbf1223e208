import type { accountMethods } from '../../../../shared/contract/account.ts';
import type { MessagingLifecycle } from '../../account/messaging-lifecycle.ts';
import { requireAllowedDomain, type OrganisationConfig } from '../../account/organisation.ts';
import { connectionConfig, serverFromUserInput, type OrganisationServer } from '../../account/server.ts';
import { readAccount, writeAccount } from '../../account/stored-account.ts';
import type { WipeNotice } from '../../account/wipe-notice.ts';
import type { AuditEntry } from '../../audit/log.ts';
import { CoreError } from '../../errors.ts';
import { verifyCredentials } from '../../messaging/index.ts';
import type { PolicyService } from '../../policy/service.ts';
import type { SessionController } from '../../session/controller.ts';
import type { SignInClaim } from '../../session/sign-in-claim.ts';
import type { SignInLimits } from '../../session/sign-in-limits.ts';
import type { Store } from '../../store/store.ts';
import type { ProfileHolder } from '../../vault/open-profile.ts';
import type { Vault } from '../../vault/vault.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface AccountHandlerDeps {
  /** The organisation's server, allowed domains and trust as managed sources say now. */
  readonly organisation: OrganisationConfig;
  readonly wipeNotice: WipeNotice;
  readonly vault: Vault;
  readonly holder: ProfileHolder<Store>;
  readonly session: SessionController;
  readonly policy: PolicyService;
  readonly messaging: MessagingLifecycle;
  /** The server password is also the vault password: checking it is limited per device. */
  readonly limits: SignInLimits;
  /** One person signing in at a time, and never over another person's unlocked session. */
  readonly claim: SignInClaim;
  readonly record: (entry: AuditEntry) => void;
}

const BAD_SERVER = 'That server address is not valid. Use a name such as chat.example-clinic.org.';
const OTHER_DOMAIN = 'That user name belongs to another server than the one this workstation uses.';

/**
 * account.*: binds a staff profile to its account on the organisation's XMPP server. The first
 * sign-in checks the credentials with the server before any profile exists.
 */
export function accountHandlers(deps: AccountHandlerDeps): HandlersFor<typeof accountMethods> {
  const { holder, session, policy } = deps;
  const resolveServer = (typed: string): OrganisationServer => {
    const managed = deps.organisation.server();
    const server = managed ?? serverFromUserInput(typed);
    if (server === null) throw new CoreError('invalid_request', BAD_SERVER);
    // Checked before any connection: a server outside the organisation's domains is never dialled.
    requireAllowedDomain(deps.organisation.organisation(), server.domain);
    return server;
  };
  return {
    'account.signInConfig': () => {
      const server = deps.organisation.server();
      return {
        server: server?.domain ?? null,
        serverManaged: server !== undefined,
        organisationName: deps.organisation.organisation().values.organisationName,
        wipedByOrganisation: deps.wipeNotice.shown(),
      };
    },
    'account.firstSignIn': (req) =>
      deps.claim.run(null, async () => {
        const server = resolveServer(req.server);
        const [local, domain] = req.username.trim().split('@') as [string, string | undefined];
        if (domain !== undefined && domain.toLowerCase() !== server.domain) throw new CoreError('invalid_request', OTHER_DOMAIN);
        const username = local.toLowerCase();
        const config = connectionConfig(server, policy.values);
        const keys = await deps.limits.guard(null, () => verifyCredentials(config, { username, password: req.password }));
        const open = await holder.create(req.displayName, req.password);
        // The store keeps the SCRAM keys, not the password (which also unlocks the vault); only a
        // PLAIN-only server (policy must allow it) leaves nothing else to sign in again with.
        writeAccount(open.store, { username, server: { ...server }, ...(keys === null ? { password: req.password } : { scram: keys }) });
        deps.record({ event: 'profile.create', staffId: open.profileId, targets: [`profile:${open.profileId}`] });
        deps.wipeNotice.clear();
        session.signIn(open.profileId);
        const profile = (await deps.vault.listProfiles()).find((p) => p.id === open.profileId);
        if (profile === undefined) throw new CoreError('internal', 'The new profile could not be listed.');
        return { profile };
      }),
    'account.updatePassword': async (req) => {
      const open = holder.require();
      const account = readAccount(open.store);
      if (account === null) throw new CoreError('not_found', 'This profile is not linked to a server account.');
      const server = deps.organisation.current(account.server);
      requireAllowedDomain(deps.organisation.organisation(), server.domain);
      const keys = await verifyCredentials(connectionConfig(server, policy.values), {
        username: account.username,
        password: req.newPassword,
      });
      // The vault follows the new server password when the old one is known: still stored (an
      // account from before SCRAM keys were kept) or typed by the staff member.
      const oldPassword = req.currentPassword ?? account.password;
      // A typed current password tests the vault's secret: limited like any other attempt.
      if (oldPassword !== undefined) await deps.limits.guard(open.profileId, () => deps.vault.changePassword(open.profileId, oldPassword, req.newPassword));
      writeAccount(open.store, { username: account.username, server, ...(keys === null ? { password: req.newPassword } : { scram: keys }) });
      await deps.messaging.stop();
      deps.messaging.start(open.profileId);
      return {};
    },
  };
}
