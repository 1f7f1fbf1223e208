import fs from 'node:fs';
import path from 'node:path';
import { isMethodName, methods, type AuditHead, type MethodName } from '../../../shared/contract/index.ts';
import { auditEntryForCall } from '../audit/call-audit.ts';
import { auditHandlers } from '../audit/handlers.ts';
import { deriveAuditKeys } from '../audit/keys.ts';
import { openAuditLog, type AuditEntry, type AuditLog } from '../audit/log.ts';
import { CoreError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { CallHooks, Handlers } from '../ipc/dispatcher.ts';
import type { Keychain } from '../keychain/keychain.ts';
import type { Logger } from '../log/logger.ts';
import type { PolicyService } from '../policy/service.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';
import { deviceFingerprint, loadOrCreateDeviceKey } from '../vault/device-key.ts';
import type { VaultDomain } from '../vault/wire.ts';
import { auditEntryFor } from './audit-bridge.ts';
import { systemClock, systemTimers, type Clock, type Timers } from './clock.ts';
import { createSessionController, type OsIdleSource, type SessionController } from './controller.ts';
import { createSessionGate } from './gate.ts';
import { sessionHandlers } from './handlers.ts';
import { reportFormatMigration } from '../sqlite/migration-report.ts';
import { SignInLimiter } from './limiter.ts';
import { sessionTimingFrom } from './policy.ts';
import { guardSignIn } from './sign-in-guard.ts';

export interface SessionDomainDeps {
  readonly dataDir: string;
  readonly keychain: Keychain;
  readonly log: Logger;
  readonly events: CoreEvents;
  readonly policy: PolicyService;
  readonly vault: VaultDomain;
  readonly osIdle?: OsIdleSource;
  readonly clock?: Clock;
  readonly timers?: Timers;
}

type AuthHandlers = Pick<
  Handlers,
  'profiles.create' | 'profiles.open' | 'profiles.unlockWithPin' | 'profiles.close' | 'profiles.changePassword' | 'profiles.wipe'
>;

export interface SessionDomain {
  readonly session: SessionController;
  /** The device audit trail, or null while no keychain answers (then nothing PHI is stored either). */
  audit(): AuditLog | null;
  /** Records a security event that is not a contract call (remote commands, policy changes). */
  record(entry: AuditEntry): void;
  /** Work that must finish before a profile's store closes (stop messaging), and work after it opens. */
  onLeaveUnlocked(task: (profileId: string) => Promise<void>): void;
  onUnlocked(task: (profileId: string) => void): void;
  /** Where verify finds the chain heads the server acknowledged (the messaging side keeps them). */
  useTrustedHeads(source: () => readonly AuditHead[]): void;
  /** Who holds the admin role (sees the device's whole audit trail); the account domain decides. */
  useAdminCheck(check: () => boolean): void;
  readonly handlers: AuthHandlers & ReturnType<typeof sessionHandlers> & ReturnType<typeof auditHandlers>;
  readonly hooks: CallHooks;
  /** Opens the audit trail (device key from the keychain); safe to call again after the keychain returns. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const NO_AUDIT = 'The activity record is not available because the system keychain is not answering.';

/**
 * The session as main owns it: one controller (idle, OS lock, max session), sign-in limits that
 * survive a restart, the device audit trail, and the PHI gate in front of every contract call.
 * Every transition away from "unlocked" closes the store and drops its key, whatever caused it.
 */
export function createSessionDomain(deps: SessionDomainDeps): SessionDomain {
  const { log, events, policy, vault } = deps;
  const holder = vault.profiles;
  const clock = deps.clock ?? systemClock;
  const session = createSessionController({
    timing: () => sessionTimingFrom(policy.values),
    osIdle: deps.osIdle,
    clock,
    timers: deps.timers ?? systemTimers,
    log,
  });
  const unwatch = policy.watch(() => session.refresh());

  const attemptsFile = path.join(deps.dataDir, 'session', 'attempts.json');
  const limiter = new SignInLimiter(clock);
  restoreLimiter(limiter, attemptsFile, log);
  const saveLimiter = () =>
    writeFileAtomic(attemptsFile, JSON.stringify({ profile: limiter.profile.snapshot(), device: limiter.device.snapshot() })).catch((err: unknown) =>
      log.warn('session.attempts_not_saved', { error: err }),
    );

  let audit: AuditLog | null = null;
  let trustedHeads: () => readonly AuditHead[] = () => [];
  let adminCheck: () => boolean = () => false;
  let refKey: Buffer = Buffer.alloc(32);
  const record = (entry: AuditEntry) => {
    if (audit === null) return;
    try {
      audit.append(entry);
    } catch (err) {
      log.error('audit.append_failed', { event: entry.event, error: err });
    }
  };

  const leaveTasks: Array<(profileId: string) => Promise<void>> = [];
  const unlockTasks: Array<(profileId: string) => void> = [];
  let closing: Promise<void> = Promise.resolve();
  session.onTransition((t, state) => {
    // The gate already refuses PHI calls (state changed synchronously); now stop what uses the
    // store, then close it and drop its key.
    if (t.to !== 'unlocked') {
      closing = Promise.allSettled(leaveTasks.map((task) => task(t.staffId)))
        .then(() => holder.close(t.staffId))
        .catch((err: unknown) => log.error('session.close_store_failed', { error: err }));
    } else {
      for (const task of unlockTasks) {
        try {
          task(t.staffId);
        } catch (err) {
          log.error('session.unlock_task_failed', { error: err });
        }
      }
    }
    record(auditEntryFor(t));
    events.emit('session.changed', state);
  });

  const base = vault.handlers;
  const staffId = () => session.state().staffId;
  const guard = <T>(profileId: string, attempt: () => Promise<T>) =>
    guardSignIn(limiter, profileId, attempt, {
      onLockout: () => record({ event: 'auth.lockout', staffId: profileId, targets: [`profile:${profileId}`], outcome: 'denied', code: 'rate_limited' }),
      onRefused: () => record({ event: 'auth.failed', staffId: profileId, targets: [`profile:${profileId}`], outcome: 'denied', code: 'rate_limited' }),
    }).finally(() => void saveLimiter());

  const auth: AuthHandlers = {
    'profiles.create': async (req, ctx) => {
      const opened = await base['profiles.create'](req, ctx);
      record({ event: 'profile.create', staffId: opened.profile.id, targets: [`profile:${opened.profile.id}`] });
      session.signIn(opened.profile.id);
      return opened;
    },
    'profiles.open': async (req, ctx) => {
      const opened = await guard(req.profileId, async () => base['profiles.open'](req, ctx));
      const now = session.state();
      if (now.state === 'locked' && now.staffId === req.profileId) session.unlock(req.profileId, 'password');
      else session.signIn(req.profileId);
      return opened;
    },
    'profiles.unlockWithPin': async (req, ctx) => {
      const now = session.state();
      if (now.state !== 'locked' || now.staffId !== req.profileId) {
        throw new CoreError('unauthorized', 'A PIN only unlocks your own locked session. Sign in with your password.');
      }
      const opened = await base['profiles.unlockWithPin'](req, ctx);
      try {
        session.unlock(req.profileId, 'pin');
      } catch (err) {
        await holder.close(req.profileId);
        throw err;
      }
      return opened;
    },
    'profiles.close': async () => {
      if (session.state().state !== 'signed-out') session.signOut('sign_out');
      await closing;
      if (session.state().state === 'signed-out') await holder.close();
      return {};
    },
    'profiles.changePassword': (req, ctx) => guard(req.profileId, async () => base['profiles.changePassword'](req, ctx)),
    'profiles.wipe': async (req, ctx) => {
      const done = await guard(req.profileId, async () => base['profiles.wipe'](req, ctx));
      if (session.state().staffId === req.profileId && session.state().state !== 'signed-out') session.signOut('wipe');
      return done;
    },
  };

  const requireAudit = (): AuditLog => {
    if (audit === null) throw new CoreError('keychain_unavailable', NO_AUDIT);
    return audit;
  };
  const gate = createSessionGate(session, (m) => (isMethodName(m) ? methods[m].access : undefined));
  const hooks: CallHooks = {
    before: (method) => gate.before(method),
    after: (method: MethodName, _ctx, outcome, request) => {
      // Sign-in calls run before a session exists; their records carry the profile they tried.
      const who = staffId() ?? profileIdOf(request);
      const entry = auditEntryForCall(method, outcome, request, who, refKey);
      if (entry !== null) record(entry);
    },
  };

  return {
    session,
    audit: () => audit,
    record,
    onLeaveUnlocked: (task) => void leaveTasks.push(task),
    onUnlocked: (task) => void unlockTasks.push(task),
    useTrustedHeads: (source) => {
      trustedHeads = source;
    },
    useAdminCheck: (check) => {
      adminCheck = check;
    },
    handlers: {
      ...auth,
      ...sessionHandlers({ session }),
      ...auditHandlers({
        audit: requireAudit,
        currentStaffId: () => (session.state().state === 'unlocked' ? staffId() : null),
        isAdmin: () => session.state().state === 'unlocked' && adminCheck(),
        trustedHeads: () => trustedHeads(),
      }),
    },
    hooks,
    async start() {
      if (audit !== null) return;
      try {
        const deviceKey = await loadOrCreateDeviceKey(deps.keychain);
        const keys = deriveAuditKeys(deviceKey);
        refKey = keys.refKey;
        // The trail records its own conversion to the current page format once it is open.
        const converted: AuditEntry[] = [];
        audit = openAuditLog({
          file: path.join(deps.dataDir, 'audit', 'audit.db'),
          dbKey: keys.dbKey,
          macKey: keys.macKey,
          deviceId: deviceFingerprint(deviceKey),
          log,
          onFormatMigration: reportFormatMigration('audit', { record: (entry) => converted.push(entry), log }),
        });
        if (converted.length > 0) audit.appendMany(converted);
        deviceKey.fill(0);
        const years = policy.values.auditRetentionYears;
        const purged = audit.purge({ retentionMs: Math.round(years * 365.25 * 24 * 60 * 60 * 1000) });
        log.info('audit.opened', { count: audit.head().seq, size: purged.removed });
      } catch (err) {
        log.warn('audit.unavailable', { error: err });
      }
    },
    async close() {
      unwatch();
      session.dispose();
      await holder.close();
      audit?.close();
      audit = null;
    },
  };
}

function profileIdOf(request: unknown): string | null {
  const id = (request as { profileId?: unknown } | null)?.profileId;
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id) ? id : null;
}

function restoreLimiter(limiter: SignInLimiter, file: string, log: Logger): void {
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { profile?: unknown; device?: unknown };
    if (saved.profile) limiter.profile.restore(saved.profile as never);
    if (saved.device) limiter.device.restore(saved.device as never);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('session.attempts_unreadable', { error: err });
  }
}
