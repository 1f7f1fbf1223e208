import path from 'node:path';
import log from 'electron-log/node';
import { createCore, type Core } from '../core/app.ts';
import { createKeytarKeychain } from '../core/keychain/keychain.ts';
import { createLogger, type Logger } from '../core/log/logger.ts';
import type { OrganisationServer } from '../core/account/server.ts';
import { startBridge, type Bridge } from './bridge.ts';
import { readDevXmppServer, type DevXmppServer } from './prosody/dev-server.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'dist/renderer');

export interface WorkstationOptions {
  /** This simulated workstation's data folder (its own profiles, stores and logs). */
  readonly dataDir: string;
  /** Keychain service name; distinct per simulated workstation so two never share a device key. */
  readonly keychainService?: string;
  readonly port?: number;
  readonly name?: string;
  /** The XMPP server this workstation's staff sign in to; defaults to the demo's (SEALWIRE_DEV_XMPP). */
  readonly xmpp?: (DevXmppServer & { readonly caCertPem: string }) | null;
  /** Admin addresses allowed to send remote commands to this workstation. */
  readonly adminJids?: readonly string[];
  /** Machine policy of this simulated workstation; defaults to the demo clinic's (`DEMO_CLINIC_POLICY`). */
  readonly machinePolicy?: Record<string, unknown>;
}

/**
 * The demo clinic's machine policy: it turned on read receipts and presence and accepts any
 * attachment type (the safe viewer decides what it shows). Everything else keeps the defaults.
 */
export const DEMO_CLINIC_POLICY = { readReceipts: true, presence: true, attachmentTypes: null };

/** The development Prosody, as IT would configure it for a clinic: domain, STARTTLS port, private CA. */
export function organisationServerFrom(dev: DevXmppServer & { readonly caCertPem: string }, adminJids?: readonly string[]): OrganisationServer {
  return {
    domain: dev.domain,
    host: dev.host,
    port: dev.c2sPort,
    mode: 'starttls',
    ca: dev.caCertPem,
    mucDomain: dev.mucDomain,
    uploadDomain: dev.uploadDomain,
    ...(adminJids === undefined ? {} : { adminJids }),
  };
}

export interface Workstation {
  readonly core: Core;
  readonly bridge: Bridge;
  readonly log: Logger;
  close(): Promise<void>;
}

/** One simulated clinic workstation: the real core plus the development bridge in front of it. */
export async function startWorkstation(options: WorkstationOptions): Promise<Workstation> {
  const instance = log.create({ logId: `sealwire-${options.name ?? 'dev'}-${process.pid}-${Date.now()}` });
  instance.transports.file.resolvePathFn = () => path.join(options.dataDir, 'logs', 'sealwire.log');
  instance.transports.console.level = process.env.SEALWIRE_LOG_CONSOLE === '1' ? 'info' : false;
  const logger = createLogger(instance);
  const xmpp = options.xmpp === undefined ? readDevXmppServer() : options.xmpp;
  const core = createCore({
    appVersion: process.env.npm_package_version ?? '0.0.0-dev',
    dataDir: options.dataDir,
    runtime: 'bridge',
    log: logger,
    keychain: createKeytarKeychain(options.keychainService),
    machinePolicy: options.machinePolicy ?? DEMO_CLINIC_POLICY,
    server: xmpp === null ? undefined : organisationServerFrom(xmpp, options.adminJids),
  });
  const bridge = await startBridge({ core, log: logger, staticDir: RENDERER_DIST, port: options.port });
  return {
    core,
    bridge,
    log: logger,
    async close() {
      await bridge.close();
      await core.close();
    },
  };
}
