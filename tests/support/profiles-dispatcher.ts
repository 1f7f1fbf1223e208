import { CoreEvents } from '../../electron/core/events.ts';
import { createDispatcher, type Dispatcher, type Handlers } from '../../electron/core/ipc/dispatcher.ts';
import { profilesHandlers } from '../../electron/core/ipc/handlers/profiles.ts';
import type { Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { createSessionController, type SessionController } from '../../electron/core/session/controller.ts';
import { SignInClaim } from '../../electron/core/session/sign-in-claim.ts';
import { createSignInLimits } from '../../electron/core/session/sign-in-limits.ts';
import { bindUnlockLifecycle } from '../../electron/core/session/unlock-lifecycle.ts';
import type { Store } from '../../electron/core/store/store.ts';
import type { ProfileHolder } from '../../electron/core/vault/open-profile.ts';
import type { Vault } from '../../electron/core/vault/vault.ts';

/**
 * profiles.* handlers as core composes them: a real session controller, sign-in limits and the
 * lifecycle that closes the store whenever the session leaves "unlocked", behind the dispatcher.
 */
export function profilesDispatcher(deps: { vault: Vault; holder: ProfileHolder<Store>; dataDir: string; keychain: Keychain }): {
  dispatcher: Dispatcher;
  session: SessionController;
  lifecycle: ReturnType<typeof bindUnlockLifecycle>;
} {
  const { vault, holder, dataDir, keychain } = deps;
  const session = createSessionController({ log: silentLogger });
  const record = () => undefined;
  const lifecycle = bindUnlockLifecycle({ session, closeStore: (id) => holder.close(id), record, events: new CoreEvents(silentLogger), log: silentLogger });
  const limits = createSignInLimits({ dataDir, keychain, clock: { now: () => Date.now() }, log: silentLogger, record });
  const handlers = profilesHandlers({ vault, holder, session, limits, claim: new SignInClaim(session), record, closing: lifecycle.closing });
  return { dispatcher: createDispatcher(handlers as unknown as Handlers, silentLogger), session, lifecycle };
}
