import { randomUUID } from 'node:crypto';
import type { AuditHead } from '../../../shared/contract/audit.ts';
import type { AuditHeadPayload } from '../audit/log.ts';
import { startHeadPublishing, systemIntervalTimers, type HeadPublishing, type IntervalTimers } from '../audit/publish.ts';
import { CoreError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Handlers } from '../ipc/dispatcher.ts';
import type { Logger } from '../log/logger.ts';
import {
  bindMessagingEvents,
  createAuditHeadPublisher,
  createMessagingSession,
  messagingHandlers,
  rejectionTargets,
  verifyCredentials,
  type MessagingSession,
} from '../messaging/index.ts';
import type { AdminCommandEvent } from '../messaging/engine.ts';
import type { PolicyService } from '../policy/service.ts';
import type { SessionDomain } from '../session/wire.ts';
import type { Store } from '../store/store.ts';
import type { VaultDomain } from '../vault/wire.ts';
import { connectionConfig, serverFromUserInput, type OrganisationServer } from './server.ts';

/** Kept inside the encrypted store: the account this profile signs in to. */
const ACCOUNT_SETTING = 'account.v1';
interface StoredAccount {
  readonly username: string;
  /** Needed to sign in again after a dropped connection; it never leaves the encrypted store. */
  readonly password: string;
  readonly server: OrganisationServer;
}

type AccountHandlers = Pick<
  Handlers,
  | 'account.signInConfig'
  | 'account.firstSignIn'
  | 'account.updatePassword'
  | 'messaging.state'
  | 'messaging.send'
  | 'messaging.directory'
  | 'messaging.markRead'
  | 'messaging.sendAttachment'
  | 'messaging.rooms'
  | 'messaging.joinRoom'
  | 'messaging.leaveRoom'
  | 'messaging.roomMembers'
>;

export interface AccountDomain {
  readonly handlers: AccountHandlers;
  /** The running messaging session of the signed-in staff member, if any. */
  current(): MessagingSession | null;
  /** Audit chain heads the organisation's server acknowledged (this run): trusted heads for verify. */
  trustedAuditHeads(): readonly AuditHead[];
  /** Publish the audit head now (false when not publishing, offline, or unchanged since the last one). */
  publishAuditHead(): Promise<boolean>;
  /** The open profile's account is one of the organisation's configured admin addresses. */
  isAdmin(): boolean;
  close(): Promise<void>;
}

export interface AccountDomainDeps {
  /** The organisation's server from managed configuration; undefined lets staff type one. */
  readonly server?: OrganisationServer;
  readonly log: Logger;
  readonly events: CoreEvents;
  readonly policy: PolicyService;
  readonly vault: VaultDomain;
  readonly session: SessionDomain;
  /** How often the audit chain head goes to the server's audit address (default 15 minutes). */
  readonly auditHeadIntervalMs?: number;
}

const AUDIT_HEAD_INTERVAL_MS = 15 * 60_000;
/** Trusted heads kept in memory; verify only needs a few recent ones. */
const MAX_TRUSTED_HEADS = 1000;

const BAD_SERVER = 'That server address is not valid. Use a name such as chat.example-clinic.org.';
const OTHER_DOMAIN = 'That user name belongs to another server than the one this workstation uses.';

function readAccount(store: Store): StoredAccount | null {
  const raw = store.getSetting(ACCOUNT_SETTING);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as StoredAccount;
  } catch {
    return null;
  }
}

/**
 * Binds a staff profile to its account on the organisation's XMPP server: the first sign-in checks
 * the credentials with the server before any profile exists; every unlock starts the messaging
 * engine over the profile's store, and every lock stops it before the store closes.
 */
export function createAccountDomain(deps: AccountDomainDeps): AccountDomain {
  const { log, events, policy, vault, session } = deps;
  const holder = vault.profiles;
  let active: { profileId: string; messaging: MessagingSession; unbind: () => void; store: Store } | null = null;
  let headPublishing: { publishing: HeadPublishing; off: () => void } | null = null;
  const trustedHeads: AuditHead[] = [];

  // startHeadPublishing reads the head inside its timer: a closed audit log must be logged, not thrown.
  const guardedTimers: IntervalTimers = {
    setInterval: (fn, ms) =>
      systemIntervalTimers.setInterval(() => {
        try {
          fn();
        } catch (err) {
          log.warn('audit.head_publish_failed', { error: err });
        }
      }, ms),
    clearInterval: (handle) => systemIntervalTimers.clearInterval(handle),
  };

  const stopHeadPublishing = () => {
    headPublishing?.off();
    headPublishing?.publishing.stop();
    headPublishing = null;
  };

  /** The chain head goes to the configured audit address over this staff member's connection. */
  const startHeadPublishingFor = (messaging: MessagingSession, server: OrganisationServer) => {
    const auditJid = (deps.server ?? server).auditJid;
    const audit = session.audit();
    if (auditJid === undefined || auditJid === '' || audit === null) return;
    const publishing = startHeadPublishing({
      head: () => audit.head(),
      publisher: createAuditHeadPublisher({ manager: messaging.manager, to: auditJid, newId: randomUUID }),
      intervalMs: deps.auditHeadIntervalMs ?? AUDIT_HEAD_INTERVAL_MS,
      timers: guardedTimers,
      log,
      onPublished: (head: AuditHeadPayload) => {
        trustedHeads.push({ seq: head.seq, hash: head.hash });
        if (trustedHeads.length > MAX_TRUSTED_HEADS) trustedHeads.splice(0, trustedHeads.length - MAX_TRUSTED_HEADS);
        log.info('audit.head_published', { seq: head.seq });
      },
    });
    // Also on every new session, not only every interval: a head older than the interval is the window an attacker gets.
    const off = messaging.manager.onOnline((info) => {
      if (!info.resumed) void guardedPublish(publishing);
    });
    headPublishing = { publishing, off };
  };

  const guardedPublish = (publishing: HeadPublishing): Promise<boolean> => {
    try {
      return publishing.publishNow();
    } catch (err) {
      log.warn('audit.head_publish_failed', { error: err });
      return Promise.resolve(false);
    }
  };

  const stop = async () => {
    const was = active;
    active = null;
    stopHeadPublishing();
    if (was === null) return;
    was.unbind();
    await was.messaging.stop().catch((err: unknown) => log.warn('account.stop_failed', { error: err }));
    events.emit('messaging.connection', { state: 'offline' });
  };

  const onAdminCommand = async (command: AdminCommandEvent) => {
    const staffId = session.session.state().staffId;
    session.record({ event: 'admin.command', staffId, targets: [`command:${command.action}`], outcome: 'ok' });
    if (command.action === 'lock') {
      if (session.session.state().state === 'unlocked') session.session.lock('remote_lock');
    } else if (command.action === 'wipe') {
      session.record({ event: 'wipe.device', staffId, targets: [], outcome: 'ok' });
      if (session.session.state().state !== 'signed-out') session.session.signOut('remote_lock');
      await stop();
      await holder.wipeDevice();
    } else {
      policy.refresh();
    }
  };

  const start = (profileId: string) => {
    const open = holder.current();
    if (open === null || open.profileId !== profileId || active?.profileId === profileId) return;
    const account = readAccount(open.store);
    if (account === null) return; // a profile without a server account (tests, local-only use)
    const messaging = createMessagingSession({
      server: connectionConfig(account.server, policy.values.allowPlainAuth),
      credentials: { username: account.username, password: account.password },
      store: open.store,
      log,
      ...(account.server.adminJids ? { adminJids: account.server.adminJids } : {}),
      onAdminCommand,
      onRejected: (event) =>
        session.record({ event: 'messaging.rejected', staffId: session.session.state().staffId, targets: rejectionTargets(event), outcome: 'denied' }),
    });
    const unbind = bindMessagingEvents(messaging.engine, (name, payload) => events.emit(name, payload));
    active = { profileId, messaging, unbind, store: open.store };
    startHeadPublishingFor(messaging, account.server);
    messaging.start();
  };

  session.onUnlocked(start);
  session.onLeaveUnlocked(async () => stop());

  const resolveServer = (typed: string): OrganisationServer => {
    if (deps.server !== undefined) return deps.server;
    const server = serverFromUserInput(typed);
    if (server === null) throw new CoreError('invalid_request', BAD_SERVER);
    return server;
  };

  const base = messagingHandlers({
    current: () => (active === null ? null : { engine: active.messaging.engine, manager: active.messaging.manager, store: active.store }),
    emit: (name, payload) => events.emit(name, payload),
  });

  return {
    current: () => active?.messaging ?? null,
    trustedAuditHeads: () => [...trustedHeads],
    isAdmin: () => {
      const open = holder.current();
      const account = open === null ? null : readAccount(open.store);
      if (account === null) return false;
      // Managed configuration as it is now wins over what was recorded at first sign-in.
      const admins = deps.server?.adminJids ?? account.server.adminJids ?? [];
      return admins.map((j) => j.toLowerCase()).includes(`${account.username}@${account.server.domain}`);
    },
    publishAuditHead: () => (headPublishing === null ? Promise.resolve(false) : guardedPublish(headPublishing.publishing)),
    async close() {
      await stop();
    },
    handlers: {
      ...base,
      'account.signInConfig': () => ({ server: deps.server?.domain ?? null, serverManaged: deps.server !== undefined }),
      'account.firstSignIn': async (req) => {
        const server = resolveServer(req.server);
        const [local, domain] = req.username.trim().split('@') as [string, string | undefined];
        if (domain !== undefined && domain.toLowerCase() !== server.domain) throw new CoreError('invalid_request', OTHER_DOMAIN);
        const username = local.toLowerCase();
        await verifyCredentials(connectionConfig(server, policy.values.allowPlainAuth), { username, password: req.password });
        const open = await holder.create(req.displayName, req.password);
        const stored: StoredAccount = { username, password: req.password, server: { ...server } };
        open.store.setSetting(ACCOUNT_SETTING, JSON.stringify(stored));
        session.record({ event: 'profile.create', staffId: open.profileId, targets: [`profile:${open.profileId}`] });
        session.session.signIn(open.profileId);
        const profile = (await vault.vault.listProfiles()).find((p) => p.id === open.profileId);
        if (profile === undefined) throw new CoreError('internal', 'The new profile could not be listed.');
        return { profile };
      },
      'account.updatePassword': async (req) => {
        const open = holder.require();
        const account = readAccount(open.store);
        if (account === null) throw new CoreError('not_found', 'This profile is not linked to a server account.');
        await verifyCredentials(connectionConfig(account.server, policy.values.allowPlainAuth), {
          username: account.username,
          password: req.newPassword,
        });
        await vault.vault.changePassword(open.profileId, account.password, req.newPassword);
        open.store.setSetting(ACCOUNT_SETTING, JSON.stringify({ ...account, password: req.newPassword }));
        await stop();
        start(open.profileId);
        return {};
      },
    },
  };
}
