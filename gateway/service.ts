import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { patientGatewayAddress } from '../shared/contract/patient-gateway.ts';
import { deriveAuditKeys } from '../node-shared/audit/keys.ts';
import { bareJid } from '../node-shared/xmpp/stanzas.ts';
import { openGatewayAudit } from './audit.ts';
import { readSecret, type GatewayConfig } from './config.ts';
import { createLog, type GatewayLog } from './log.ts';
import { handleCommandIq } from './patients/commands.ts';
import { createGatewayNotifier } from './notifier-setup.ts';
import type { GatewayContext } from './patients/context.ts';
import { sendDue } from './patients/delivery.ts';
import { onStaffMessage } from './patients/relay.ts';
import { noteArchived, replayMissed } from './patients/replay.ts';
import { openGatewayStore, parseStoreKey } from './store/gateway-store.ts';
import { createPatientServer } from './web/server.ts';
import { XmppSide } from './xmpp/xmpp-side.ts';

export interface GatewayHandle {
  readonly ctx: GatewayContext;
  /** The HTTPS port actually bound (config port 0 picks a free one). */
  readonly webPort: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
  readonly log?: GatewayLog;
}

const hkdf = (key: Buffer, info: string) => Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), info, 32));

/** Opens the store, connects the component, serves the patient page, and runs the quiet-hours queue. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<GatewayHandle> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLog(config.logFile ?? null);
  const storeKey = parseStoreKey(readSecret(config.store.key, env));
  const store = openGatewayStore(config.store.file, storeKey);
  const keys = deriveAuditKeys(storeKey);
  const audit = openGatewayAudit(store.db, keys.macKey, now);
  const componentDomain = config.xmpp.componentDomain ?? patientGatewayAddress(config.xmpp.domain);
  const team = new Set(config.xmpp.team.map(bareJid));
  const publicUrl = config.web.publicUrl.replace(/\/+$/, '');
  const notifier = createGatewayNotifier(config.notify, store, storeKey, publicUrl, now);

  // eslint-disable-next-line prefer-const -- the XMPP side and the context refer to each other
  let ctx: GatewayContext;
  const xmpp = new XmppSide(
    { host: config.xmpp.host, port: config.xmpp.port, domain: componentDomain, secret: readSecret(config.xmpp.secret, env) },
    {
      iq: (iq) => handleCommandIq(ctx, iq),
      roomMessage: (room, sender, message) => {
        onStaffMessage(ctx, room, sender, message).catch((err: unknown) => log.error('relay.failed', { error: err instanceof Error ? err.name : 'unknown' }));
      },
      rooms: () => store.conversations('all').map((c) => c.room),
      archived: (room, archiveId) => noteArchived(ctx, room, archiveId),
      // What staff sent while the gateway was away is in each room's archive (XEP-0313).
      connected: () => {
        replayMissed(ctx).catch((err: unknown) => log.error('relay.replay_failed', { error: err instanceof Error ? err.name : 'unknown' }));
      },
      // Stanzas of one socket read share one commit (one fsync): a burst of staff messages costs
      // a few commits, not one each. A failure inside is logged and the read is dropped whole.
      batch: (handle) => {
        try {
          store.transaction(handle);
        } catch (err) {
          log.error('xmpp.batch_failed', { error: err instanceof Error ? err.name : 'unknown' });
        }
      },
    },
    log,
  );
  ctx = {
    clinicName: config.clinicName,
    publicUrl,
    mucDomain: config.xmpp.mucDomain,
    team,
    policy: {
      verify: config.policy.verify,
      linkTtlMs: config.policy.linkTtlHours * 3_600_000,
      sessionIdleMs: config.policy.sessionIdleMinutes * 60_000,
      maxAttempts: config.policy.maxAttempts,
      codeTtlMs: 10 * 60_000,
      notifyCoalesceMs: config.policy.notifyCoalesceMinutes * 60_000,
    },
    store,
    audit,
    xmpp,
    notifier,
    pepper: hkdf(storeKey, 'sealwire/gateway/pepper/v1'),
    refKey: keys.refKey,
    log,
    now,
  };

  const { server } = createPatientServer(ctx, { cert: fs.readFileSync(config.web.tls.cert), key: fs.readFileSync(config.web.tls.key) }, notifier);
  try {
    await xmpp.start();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.web.port, config.web.host, () => resolve());
    });
  } catch (err) {
    xmpp.stop();
    server.close();
    store.close();
    throw err;
  }
  const queue = setInterval(() => {
    sendDue(ctx).catch((err: unknown) => log.error('queue.failed', { error: err instanceof Error ? err.name : 'unknown' }));
  }, 15_000);
  queue.unref();
  log.info('gateway.started', { component: componentDomain });

  return {
    ctx,
    webPort: (server.address() as AddressInfo).port,
    async stop() {
      clearInterval(queue);
      xmpp.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      notifier.close();
      store.close();
    },
  };
}
