import { ADMIN_CONSOLE_MS, type adminMethods } from '../../../../shared/contract/admin.ts';
import type { MessagingLifecycle } from '../../account/messaging-lifecycle.ts';
import { CoreError } from '../../errors.ts';
import type { Clock } from '../../session/clock.ts';
import type { SessionController } from '../../session/controller.ts';
import type { SignInLimits } from '../../session/sign-in-limits.ts';
import type { Vault } from '../../vault/vault.ts';
import type { HandlersFor } from '../dispatcher.ts';

/** How long the console waits for devices to acknowledge a lock or wipe. */
export const ACK_WAIT_MS = 5_000;

/**
 * admin.*: the admin console. Only the organisation's admin addresses hold the role (managed
 * configuration decides, refreshed on every start); entering takes the password again, and the
 * console closes after `ADMIN_CONSOLE_MS` or as soon as the session leaves 'unlocked'.
 */
export function adminHandlers(deps: {
  session: SessionController;
  vault: Vault;
  limits: SignInLimits;
  messaging: MessagingLifecycle;
  clock: Clock;
  ackWaitMs?: number;
}): HandlersFor<typeof adminMethods> {
  const { session, messaging } = deps;
  let open: { staffId: string; until: number } | null = null;
  session.onTransition((t) => {
    if (t.to !== 'unlocked') open = null;
  });
  const admin = (): string => {
    const state = session.state();
    if (state.state !== 'unlocked' || state.staffId === null || !messaging.isAdmin()) throw new CoreError('unauthorized', 'Only an administrator can do this.');
    return state.staffId;
  };
  const entered = () => {
    const staffId = admin();
    if (open === null || open.staffId !== staffId || deps.clock.now() > open.until) throw new CoreError('unauthorized', 'Enter the admin console with your password first.');
  };
  const running = () => {
    const active = messaging.current();
    if (active === null || active.messaging.engine.connectionState !== 'online') throw new CoreError('network', 'The admin console needs a connection to the server.');
    return active.messaging.engine;
  };
  return {
    'admin.enter': async ({ password }) => {
      const staffId = admin();
      await deps.limits.guard(staffId, () => deps.vault.verifyPassword(staffId, password));
      open = { staffId, until: deps.clock.now() + ADMIN_CONSOLE_MS };
      return { openUntil: open.until };
    },
    'admin.publishPolicy': async ({ policy }) => {
      entered();
      const engine = running();
      await engine.organisationPolicy.publish(policy);
      // Everyone in the directory is told to fetch it now; devices that are offline fetch at their next connection.
      return { notified: engine.organisationPolicy.announce(engine.colleagues()) };
    },
    'admin.command': async ({ staff, action, confirmAddress }) => {
      entered();
      if (confirmAddress !== staff) throw new CoreError('invalid_request', 'The confirmation does not name this staff member.');
      const engine = running();
      return { acks: await engine.adminCommand(staff, action, deps.ackWaitMs ?? ACK_WAIT_MS) };
    },
  };
}
