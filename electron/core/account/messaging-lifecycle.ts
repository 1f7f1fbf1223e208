import type { AuditEntry } from '../audit/log.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log/logger.ts';
import type { AdminCommandEvent } from '../messaging/engine.ts';
import { createMessagingSession, rejectionTargets, type MessagingSession } from '../messaging/index.ts';
import type { PolicyService } from '../policy/service.ts';
import type { SessionController } from '../session/controller.ts';
import type { UnlockLifecycle } from '../session/unlock-lifecycle.ts';
import type { Store } from '../store/store.ts';
import type { ProfileHolder } from '../vault/open-profile.ts';
import type { AuditHeadPublishing } from './audit-head-publishing.ts';
import { bindMessagingEvents } from './messaging-events.ts';
import { credentialsOf, readAccount, withScramKeys, writeAccount } from './stored-account.ts';
import { isDomainAllowed, serverPolicyLayer, type OrganisationConfig } from './organisation.ts';
import { connectionConfig, messagingControls } from './server.ts';

export interface ActiveMessaging {
  readonly profileId: string;
  readonly messaging: MessagingSession;
  readonly store: Store;
}

export interface MessagingLifecycle {
  /** The running messaging session of the signed-in staff member, if any. */
  current(): ActiveMessaging | null;
  /** Starts messaging for the open profile (no-op when it has no server account or already runs). */
  start(profileId: string): void;
  stop(): Promise<void>;
  /** Stops and starts again (the organisation's server, CA, pins or admins changed while running). */
  restart(): Promise<void>;
  /** The open profile's account is one of the organisation's configured admin addresses. */
  isAdmin(): boolean;
}

/**
 * Every unlock starts the messaging engine over the profile's store, and every lock stops it
 * before the store closes. Admin commands from the organisation's admin addresses lock, wipe
 * or refresh policy on this workstation.
 */
export function createMessagingLifecycle(deps: {
  /** The organisation's server and trust as managed sources say now. */
  organisation: OrganisationConfig;
  holder: ProfileHolder<Store>;
  session: SessionController;
  lifecycle: UnlockLifecycle;
  policy: PolicyService;
  events: CoreEvents;
  log: Logger;
  record: (entry: AuditEntry) => void;
  headPublishing: AuditHeadPublishing;
  /** Runs before a remote wipe removes the keys (closes the audit trail). */
  beforeDeviceWipe: () => Promise<void>;
  /** Runs after a remote wipe (the sign-in screen says the organisation wiped the device). */
  afterDeviceWipe?: () => void;
}): MessagingLifecycle {
  const { holder, session, policy, events, log, record, headPublishing } = deps;
  let active: (ActiveMessaging & { unbind: () => void }) | null = null;

  const stop = async () => {
    const was = active;
    active = null;
    headPublishing.stop();
    if (was === null) return;
    was.unbind();
    await was.messaging.stop().catch((err: unknown) => log.warn('account.stop_failed', { error: err }));
    events.emit('messaging.connection', { state: 'offline' });
  };

  // The organisation policy an admin published, fetched at every connection and on "policy-refresh".
  const fetchServerPolicy = async (running: MessagingSession) => {
    const layer = await running.engine.organisationPolicy.fetch().catch(() => null);
    if (layer !== null && active?.messaging === running) policy.setLayer('server', serverPolicyLayer(layer));
  };

  const onAdminCommand = async (command: AdminCommandEvent) => {
    const staffId = session.state().staffId;
    record({ event: 'admin.command', staffId, targets: [`command:${command.action}`], outcome: 'ok' });
    if (command.action === 'lock') {
      if (session.state().state === 'unlocked') session.lock('remote_lock');
    } else if (command.action === 'wipe') {
      record({ event: 'wipe.device', staffId, targets: [], outcome: 'ok' });
      if (session.state().state !== 'signed-out') session.signOut('remote_lock');
      await stop();
      // The trail's keychain head goes with the device key; nothing may write it back afterwards.
      await deps.beforeDeviceWipe();
      await holder.wipeDevice();
      deps.afterDeviceWipe?.();
      events.emit('profiles.updating', { updating: false });
    } else {
      policy.refresh();
      if (active !== null) await fetchServerPolicy(active.messaging);
    }
  };

  const start = (profileId: string) => {
    const open = holder.current();
    if (open === null || open.profileId !== profileId || active?.profileId === profileId) return;
    const account = readAccount(open.store);
    const credentials = account === null ? null : credentialsOf(account);
    if (account === null || credentials === null) return; // a profile without a server account (tests, local-only use)
    const store = open.store;
    // Managed configuration as it is now (nodes added or moved, a new CA, an admin removed) wins
    // over the copy kept at first sign-in, and replaces that copy, so it reaches existing profiles.
    const server = deps.organisation.current(account.server);
    if (JSON.stringify(server) !== JSON.stringify(account.server)) writeAccount(store, { ...account, server });
    if (!isDomainAllowed(deps.organisation.organisation(), server.domain)) {
      log.warn('account.domain_not_allowed', {});
      record({ event: 'auth.failed', staffId: session.state().staffId, targets: ['reason:server_not_allowed'], outcome: 'denied' });
      return;
    }
    const messaging = createMessagingSession({
      server: connectionConfig(server, policy.values),
      credentials,
      // A password sign-in (an account stored before keys were kept) replaces the stored password
      // with the SCRAM keys it produced: the migration happens at the first connection.
      onSecrets: (keys) => {
        const current = readAccount(store);
        if (current !== null) writeAccount(store, withScramKeys(current, keys));
        log.info('account.scram_keys_stored', {});
      },
      store: open.store,
      log,
      ...(server.adminJids === undefined ? {} : { adminJids: server.adminJids }),
      onAdminCommand,
      controls: () => messagingControls(policy.values),
      // Forged senders and foreign receipts refused at the inbound boundary: audited, ids only.
      onRejected: (event) => record({ event: 'messaging.rejected', staffId: session.state().staffId, targets: rejectionTargets(event), outcome: 'denied' }),
    });
    const unbindEvents = bindMessagingEvents(messaging.engine, (name, payload) => events.emit(name, payload));
    const unwatchOnline = messaging.engine.onConnection((state) => {
      if (state === 'online') void fetchServerPolicy(messaging);
    });
    const unbind = () => {
      unwatchOnline();
      unbindEvents();
    };
    active = { profileId, messaging, unbind, store: open.store };
    headPublishing.startFor(messaging, server.auditJid);
    messaging.start();
  };

  deps.lifecycle.onUnlocked(start);
  deps.lifecycle.onLeaveUnlocked(async () => stop());

  return {
    current: () => active,
    start,
    stop,
    async restart() {
      const running = active?.profileId;
      if (running === undefined) return;
      await stop();
      start(running);
    },
    isAdmin: () => {
      const open = holder.current();
      const account = open === null ? null : readAccount(open.store);
      if (account === null) return false;
      // Managed configuration as it is now wins over what was recorded at first sign-in.
      const admins = deps.organisation.current(account.server).adminJids ?? [];
      return admins.map((j) => j.toLowerCase()).includes(`${account.username}@${account.server.domain}`);
    },
  };
}
