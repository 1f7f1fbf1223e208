import type { SystemStatus } from '../../shared/contract/index.ts';
import { CoreEvents } from './events.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './ipc/dispatcher.ts';
import { createKeytarKeychain, type Keychain } from './keychain/keychain.ts';
import type { Logger } from './log/logger.ts';
import { readPolicyFile } from './policy/machine.ts';
import { PolicyService } from './policy/service.ts';
import { conversationHandlers } from './store/handlers.ts';
import type { OrganisationServer } from './account/server.ts';
import { createAccountDomain } from './account/wire.ts';
import { systemTimers, type Clock, type Timers } from './session/clock.ts';
import { scheduleRetention } from './store/retention.ts';
import type { OsIdleSource, SessionController } from './session/controller.ts';
import { createSessionDomain } from './session/wire.ts';
import { readSystemStatus } from './system/status.ts';
import { reportFormatMigration } from './sqlite/migration-report.ts';
import { createVaultDomain, type VaultDomain } from './vault/wire.ts';

export interface CoreOptions {
  readonly appVersion: string;
  /** The app's data folder (Electron's userData, or a temp folder for the bridge and tests). */
  readonly dataDir: string;
  readonly runtime: SystemStatus['runtime'];
  readonly log: Logger;
  readonly keychain?: Keychain;
  /** How often the status stream re-checks the keychain and the data folder. */
  readonly statusIntervalMs?: number;
  /** Machine-managed policy as read by main (registry, managed preferences); on Linux core reads the file. */
  readonly machinePolicy?: unknown;
  /** Where core reads machine policy when main passes none; tests point it at a temp file. */
  readonly machinePolicyFile?: string;
  /** The OS's own idle time (main adapts powerMonitor); the bridge has none. */
  readonly osIdle?: OsIdleSource;
  /** The organisation's XMPP server from managed configuration; undefined lets staff type it. */
  readonly server?: OrganisationServer;
  /** Started with --kiosk: the kiosk policy applies (it can only tighten, so no layer can undo it). */
  readonly kiosk?: boolean;
  /** Session time (idle, max session, back-off); tests inject a fake clock. */
  readonly clock?: Clock;
  readonly timers?: Timers;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly events: CoreEvents;
  readonly policy: PolicyService;
  /** The open staff profile (store, attachments); `require()` throws 'locked' when none. */
  readonly profiles: VaultDomain['profiles'];
  /** Main feeds OS lock, suspend, user switch and window focus into it. */
  readonly session: SessionController;
  /** Resolves once the audit trail is open (or known to be unavailable). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** The composition root: everything main (or the development bridge) hosts. */
export function createCore(options: CoreOptions): Core {
  const keychain = options.keychain ?? createKeytarKeychain();
  const events = new CoreEvents(options.log);
  const policy = new PolicyService(
    { machine: machinePolicyLayer(options), user: options.kiosk ? { kiosk: true } : undefined },
    events,
    options.log,
    () => machinePolicyLayer(options),
  );
  const storeMigrated = reportFormatMigration('store', {
    updating: (updating) => events.emit('profiles.updating', { updating }),
    record: (entry) => session.record(entry),
    log: options.log,
  });
  const vault = createVaultDomain({ dataDir: options.dataDir, keychain, log: options.log, policy: () => policy.values, onStoreFormatMigration: storeMigrated });
  const session = createSessionDomain({ dataDir: options.dataDir, keychain, log: options.log, events, policy, vault, osIdle: options.osIdle, clock: options.clock, timers: options.timers });
  scheduleRetention({ session, vault, policy, log: options.log, timers: options.timers ?? systemTimers });
  const account = createAccountDomain({ server: options.server, log: options.log, events, policy, vault, session });
  session.useTrustedHeads(() => account.trustedAuditHeads());
  session.useAdminCheck(() => account.isAdmin());
  const statusDeps = {
    appVersion: options.appVersion,
    dataDir: options.dataDir,
    keychain,
    runtime: options.runtime,
  };

  // One spread per domain; each domain exports a function returning its handlers.
  const handlers: Handlers = {
    'system.status': () => readSystemStatus(statusDeps),
    'policy.effective': () => policy.current,
    ...vault.handlers,
    ...session.handlers,
    ...account.handlers,
    ...conversationHandlers({ requireStore: () => vault.profiles.require().store }),
  };
  // Profiles come and go through these calls; the status stream should not lag behind them.
  const statusAffecting = (method: string) => method.startsWith('profiles.') || method.startsWith('account.');
  const dispatcher = createDispatcher(handlers, options.log, {
    before: session.hooks.before,
    after: async (method, ctx, outcome, request) => {
      await session.hooks.after?.(method, ctx, outcome, request);
      if (outcome === 'ok' && statusAffecting(method)) void pushStatus();
    },
  });

  // The status stream: push a fresh status whenever it changes (keychain lost, first profile created).
  let last = '';
  const pushStatus = async () => {
    try {
      const status = await readSystemStatus(statusDeps);
      const { checkedAt: _ignored, ...comparable } = status;
      const key = JSON.stringify(comparable);
      if (key !== last) {
        last = key;
        events.emit('system.status', status);
      }
    } catch (err) {
      options.log.error('status.refresh_failed', { error: err });
    }
  };
  const timer = setInterval(() => void pushStatus(), options.statusIntervalMs ?? 10_000);
  timer.unref();
  void pushStatus();

  return {
    dispatcher,
    events,
    policy,
    profiles: vault.profiles,
    session: session.session,
    ready: session.start(),
    async close() {
      clearInterval(timer);
      await account.close();
      await session.close();
    },
  };
}

function machinePolicyLayer(options: CoreOptions): unknown {
  if (options.machinePolicy !== undefined) return options.machinePolicy;
  const read = readPolicyFile(options.machinePolicyFile);
  if (read.ok) return read.layer;
  if (read.reason !== 'absent') options.log.warn('policy.machine_file_ignored', { reason: read.reason });
  return undefined;
}
