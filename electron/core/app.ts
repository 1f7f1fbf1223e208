import type { SystemStatus } from '../../shared/contract/index.ts';
import path from 'node:path';
import { createAuditHeadPublishing } from './account/audit-head-publishing.ts';
import { createMessagingLifecycle } from './account/messaging-lifecycle.ts';
import { organisationConfig } from './account/organisation.ts';
import { wipeNotice } from './account/wipe-notice.ts';
import { adminHandlers } from './ipc/handlers/admin.ts';
import type { OrganisationServer } from './account/server.ts';
import { createProfileVault, type ProfileVault } from './compose/profile-vault.ts';
import { applyManagedChanges } from './compose/managed-changes.ts';
import { scheduleRetention } from './compose/retention-schedule.ts';
import { startStatusStream } from './compose/status-stream.ts';
import { CoreEvents } from './events.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './ipc/dispatcher.ts';
import { accountHandlers } from './ipc/handlers/account.ts';
import { attachmentsHandlers } from './ipc/handlers/attachments.ts';
import { alertsHandlers } from './ipc/handlers/alerts.ts';
import { quickRepliesHandlers } from './ipc/handlers/quick-replies.ts';
import { auditHandlers } from './ipc/handlers/audit.ts';
import { complianceHandlers } from './ipc/handlers/compliance.ts';
import { conversationsHandlers } from './ipc/handlers/conversations.ts';
import { messagingHandlers } from './ipc/handlers/messaging.ts';
import { patientsHandlers } from './ipc/handlers/patients.ts';
import { createPatientsLifecycle } from './patients/lifecycle.ts';
import { policyHandlers } from './ipc/handlers/policy.ts';
import { profilesHandlers } from './ipc/handlers/profiles.ts';
import { sessionHandlers } from './ipc/handlers/session.ts';
import { systemHandlers } from './ipc/handlers/system.ts';
import { createAuditTrail } from './audit/trail.ts';
import { createKeytarKeychain, type Keychain } from './keychain/keychain.ts';
import type { Logger } from './log/logger.ts';
import { readPolicyFile } from './policy/linux-policy-file.ts';
import { PolicyService, type LocalLayers } from './policy/service.ts';
import { reportFormatMigration } from './sqlite/migration-report.ts';
import { createCallHooks } from './session/call-hooks.ts';
import { systemClock, systemTimers, type Clock, type Timers } from './session/clock.ts';
import { createSessionController, type OsIdleSource, type SessionController } from './session/controller.ts';
import { SignInClaim } from './session/sign-in-claim.ts';
import { createSignInLimits } from './session/sign-in-limits.ts';
import { sessionTimingFrom } from './session/timing.ts';
import { bindUnlockLifecycle } from './session/unlock-lifecycle.ts';
import { deviceFingerprint, loadOrCreateDeviceKey } from './vault/device-key.ts';

export interface CoreOptions {
  readonly appVersion: string;
  /** The app's data folder (Electron's userData, or a temp folder for the bridge and tests). */
  readonly dataDir: string;
  readonly runtime: SystemStatus['runtime'];
  readonly log: Logger;
  readonly keychain?: Keychain;
  /** How often the status stream re-checks the keychain and the data folder. */
  readonly statusIntervalMs?: number;
  /** Machine-managed policy as given (tests, tools); main passes `managedSources` instead. */
  readonly machinePolicy?: unknown;
  /**
   * Reads this machine's managed sources (registry, managed preferences, policy file; see
   * policy/os-sources.ts): at start, on an admin's policy refresh and every `managedRefreshMs`.
   */
  readonly managedSources?: () => LocalLayers;
  /** How often the managed sources are re-read while running (main: 15 minutes); unset: never. */
  readonly managedRefreshMs?: number;
  /** Where core reads machine policy when main passes none; tests point it at a temp file. */
  readonly machinePolicyFile?: string;
  /** The OS's own idle time (main adapts powerMonitor); the bridge has none. */
  readonly osIdle?: OsIdleSource;
  /**
   * A development host's XMPP server (the demo's or a test's Prosody: host, port, its own CA).
   * A packaged start passes none: the server, CA, pins and admins come from managed configuration.
   */
  readonly server?: OrganisationServer;
  /** Started with --kiosk: the kiosk policy applies (it can only tighten, so no layer can undo it). */
  readonly kiosk?: boolean;
  /** Session time (idle, max session, back-off); tests inject a fake clock. */
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Main's save dialog for `attachments.save`; without it (the bridge) the browser downloads the file. */
  readonly chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Main's clipboard for `messaging.copy` (writes, then clears after the seconds if unchanged); the bridge has none. */
  readonly clipboard?: (text: string, clearAfterSeconds: number) => void;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly events: CoreEvents;
  readonly policy: PolicyService;
  /** The open staff profile (store, attachments); `require()` throws 'locked' when none. */
  readonly profiles: ProfileVault['profiles'];
  /** Main feeds OS lock, suspend, user switch and window focus into it. */
  readonly session: SessionController;
  /** A local conversation is a patient conversation room (its notifications come as patients.replied). */
  isPatientConversation(conversationId: number): boolean;
  /** Resolves once the audit trail is open (or known to be unavailable) and the sign-in counters are loaded. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** The composition root: everything main (or the development bridge) hosts. It only composes. */
export function createCore(options: CoreOptions): Core {
  const { log } = options;
  const keychain = options.keychain ?? createKeytarKeychain();
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const events = new CoreEvents(log);
  const readLocal = () => localLayers(options);
  const policy = new PolicyService(readLocal(), events, log, readLocal);
  const organisation = organisationConfig(() => ({ values: policy.organisation, managed: policy.organisationManaged }), options.server);
  const storeMigrated = reportFormatMigration('store', {
    updating: (updating) => events.emit('profiles.updating', { updating }),
    record: (entry) => trail.record(entry),
    log,
  });
  const { vault, profiles } = createProfileVault({ dataDir: options.dataDir, keychain, log, policy: () => policy.values, onStoreFormatMigration: storeMigrated });

  // Session: one controller (idle, OS lock, max session), the audit trail, sign-in limits. A locked
  // person with a live PIN window is kept aside while a colleague signs in (shared workstation).
  const session = createSessionController({
    timing: () => sessionTimingFrom(policy.values),
    osIdle: options.osIdle,
    clock,
    timers,
    log,
    canResume: (staffId) => vault.hasQuickUnlock(staffId),
  });
  const unwatchPolicy = policy.watch(() => session.refresh());
  session.onIdleWarning((warning) => events.emit('session.idleWarning', { locksAt: warning?.locksAt ?? null }));
  const trail = createAuditTrail({
    file: path.join(options.dataDir, 'audit', 'audit.db'),
    keychain,
    deviceKey: async () => {
      const key = await loadOrCreateDeviceKey(keychain);
      return { key, deviceId: deviceFingerprint(key) };
    },
    log,
    now: () => clock.now(),
    timers,
    retentionMs: () => Math.round(policy.values.auditRetentionYears * 365.25 * 24 * 60 * 60 * 1000),
  });
  const record = trail.record;
  // The keychain copy of the audit head catches up whenever nobody is working.
  session.onTransition((t) => {
    if (t.to !== 'unlocked') void trail.flush();
  });
  const lifecycle = bindUnlockLifecycle({ session, closeStore: (id) => profiles.close(id), record, events, log });
  // The session is over: its quick-unlock PIN (held in main's memory only) goes with it. A lock keeps it.
  session.onTransition((t) => {
    if (t.to === 'signed-out') vault.dropQuickUnlock(t.staffId);
  });
  // A kept-aside session ended (its own maximum session, a wipe): its PIN goes, in its own trail.
  session.onParkedEnd((staffId, reason) => {
    vault.dropQuickUnlock(staffId);
    record({ event: 'auth.sign_out', staffId, targets: [`reason:${reason}`] });
    events.emit('session.changed', session.state());
  });
  const limits = createSignInLimits({ dataDir: options.dataDir, keychain, clock, log, record });
  const claim = new SignInClaim(session);
  scheduleRetention({ lifecycle, profiles, policy, log, timers });

  // Messaging: started on unlock, stopped before the store closes; the audit head goes out over it.
  const headPublishing = createAuditHeadPublishing({ log, audit: () => trail.current(), onAcknowledged: (head) => trail.rememberAcknowledgedHead(head) });
  const notice = wipeNotice(options.dataDir);
  const messaging = createMessagingLifecycle({
    organisation,
    holder: profiles,
    session,
    lifecycle,
    policy,
    events,
    log,
    record,
    headPublishing,
    beforeDeviceWipe: () => trail.close(),
    displayName: async (profileId) => (await vault.listProfiles()).find((p) => p.id === profileId)?.displayName ?? null,
    afterDeviceWipe: () => notice.record(clock.now()),
  });

  // Patient conversations ride on the running messaging session (issue 10).
  const patients = createPatientsLifecycle({
    current: () => messaging.current(),
    account: () => {
      const active = messaging.current();
      return active === null ? null : (active.messaging.manager.account ?? null);
    },
    events: {
      changed: (conversationId) => events.emit('patients.changed', { conversationId }),
      patientReplied: (conversationId) => events.emit('patients.replied', { conversationId }),
    },
    log,
  });
  // Online again: join the open patient conversations so replies are announced without opening Patients.
  const unwatchPatients = events.subscribe((name, payload) => {
    if (name === 'messaging.connection' && (payload as { state?: string }).state === 'online') patients.warmUp();
  });

  const stopManaged = applyManagedChanges({
    policy,
    messaging,
    record,
    staffId: () => session.state().staffId,
    timers,
    refreshMs: options.managedRefreshMs,
    log,
  });

  const status = { appVersion: options.appVersion, dataDir: options.dataDir, keychain, runtime: options.runtime };
  const unlockedStaff = () => (session.state().state === 'unlocked' ? session.state().staffId : null);
  const isAdmin = () => session.state().state === 'unlocked' && messaging.isAdmin();
  const audit = auditHandlers({
    audit: () => trail.require(),
    currentStaffId: unlockedStaff,
    isAdmin,
    trustedHeads: () => trail.trustedHeads(),
    integrity: () => trail.integrity(),
    acknowledge: (by) => trail.acknowledge(by),
    trailProblems: () => trail.verifyProblems(),
  });
  const handlers: Handlers = {
    ...systemHandlers(status),
    ...policyHandlers({ policy }),
    ...profilesHandlers({ vault, holder: profiles, session, limits, claim, record, closing: lifecycle.closing }),
    ...adminHandlers({ session, vault, limits, messaging, clock }),
    ...accountHandlers({ organisation, wipeNotice: notice, vault, holder: profiles, session, policy, messaging, limits, claim, record }),
    ...conversationsHandlers({ requireStore: () => profiles.require().store, log }),
    ...attachmentsHandlers({
      requireStore: () => profiles.require().store,
      saveAllowed: () => policy.values.saveAllowed,
      ...(options.chooseSavePath === undefined ? {} : { chooseSavePath: options.chooseSavePath }),
    }),
    ...messagingHandlers({
      current: () => {
        const active = messaging.current();
        return active === null ? null : { engine: active.messaging.engine, manager: active.messaging.manager, store: active.store };
      },
      emit: (name, payload) => events.emit(name, payload),
      clipboardClearSeconds: () => policy.values.clipboardClearSeconds,
      ...(options.clipboard === undefined ? {} : { clipboard: options.clipboard }),
    }),
    ...patientsHandlers({
      current: () => patients.current(),
      requireStore: () => profiles.require().store,
      organisationTemplates: () => policy.values.patientTemplates,
    }),
    ...alertsHandlers({
      current: () => {
        const active = messaging.current();
        return active === null ? null : { engine: active.messaging.engine, store: active.store };
      },
      policy: () => policy.values,
      now: () => clock.now(),
    }),
    ...quickRepliesHandlers({ requireStore: () => profiles.require().store, organisation: () => policy.organisation.quickReplies ?? [] }),
    ...sessionHandlers({ session }),
    ...audit,
    ...complianceHandlers({
      ...status,
      isAdmin,
      // The administrator's own audit.verify: chain, acknowledged heads and trail problems.
      verify: async () => audit['audit.verify']({}, { transport: 'bridge' }),
      policy: () => policy.current,
      now: () => clock.now(),
    }),
  };

  const statusStream = startStatusStream({ status, events, log, intervalMs: options.statusIntervalMs ?? 10_000 });
  // Profiles come and go through these calls; the status stream should not lag behind them.
  const statusAffecting = (method: string) => method.startsWith('profiles.') || method.startsWith('account.');
  const hooks = createCallHooks({
    session,
    record,
    append: (entry) => void trail.append(entry),
    ensureWritable: () => trail.ensureWritable(),
    refKey: () => trail.refKey(),
    now: () => clock.now(),
  });
  const dispatcher = createDispatcher(handlers, log, {
    before: hooks.before,
    after: async (method, ctx, outcome, request) => {
      await hooks.after?.(method, ctx, outcome, request);
      if (outcome === 'ok' && statusAffecting(method)) void statusStream.refresh();
    },
  });

  return {
    dispatcher,
    events,
    policy,
    profiles,
    session,
    isPatientConversation: (conversationId) => patients.isPatientConversation(conversationId),
    // The counters' integrity key derives from the device key, which opening the trail creates.
    ready: trail.start().then(() => limits.load()),
    async close() {
      statusStream.stop();
      unwatchPatients();
      await messaging.stop();
      unwatchPolicy();
      stopManaged();
      session.dispose();
      await profiles.close();
      await trail.close();
    },
  };
}

/** This machine's layers; --kiosk joins the user layer (kiosk only tightens, so no layer can undo it). */
function localLayers(options: CoreOptions): LocalLayers {
  const read = options.managedSources?.() ?? { machine: machinePolicyLayer(options) };
  if (!options.kiosk) return read;
  const user = typeof read.user === 'object' && read.user !== null && !Array.isArray(read.user) ? read.user : {};
  return { ...read, user: { ...user, kiosk: true } };
}

function machinePolicyLayer(options: CoreOptions): unknown {
  if (options.machinePolicy !== undefined) return options.machinePolicy;
  const read = readPolicyFile(options.machinePolicyFile);
  if (read.ok) return read.layer;
  if (read.reason !== 'absent') options.log.warn('policy.machine_file_ignored', { reason: read.reason });
  return undefined;
}
