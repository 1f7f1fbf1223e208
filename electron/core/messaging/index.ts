import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';
import type { ScramKeys } from './scram.ts';
import type { Credentials, ServerConfig } from './server-config.ts';
import { createMessagingEngine, type AdminCommandEvent, type MessagingControls, type MessagingEngine, type RejectedStanza } from './engine.ts';
import { createConnectionManager, type ConnectionManager } from './manager.ts';

export type { Credentials, ServerConfig } from './server-config.ts';
export type { ScramKeys } from './scram.ts';
export type { ConnectionManager, ConnectionState } from './manager.ts';
export type { MessagingEngine, AdminCommandEvent, MessageStateChange, MessagingControls, RejectedStanza } from './engine.ts';
export { checkCredentials, verifyCredentials } from './credential-check.ts';
export { rejectionTargets } from './inbound.ts';
export { buildAuditHead, createAuditHeadPublisher, NS_AUDIT } from './audit-head.ts';

export interface MessagingSessionOptions {
  readonly server: ServerConfig;
  readonly credentials: Credentials;
  /** A password sign-in produced SCRAM keys: store them in place of the password. */
  readonly onSecrets?: (keys: ScramKeys) => void;
  readonly store: Store;
  readonly log: Logger;
  readonly adminJids?: readonly string[];
  readonly onAdminCommand?: (command: AdminCommandEvent) => void | Promise<void>;
  /** A stanza the inbound boundary refused (audit it; ids only). */
  readonly onRejected?: (event: RejectedStanza) => void;
  /** The organisation's controls (attachment allow-list, read receipts, presence), read at each use. */
  readonly controls?: () => MessagingControls;
}

export interface MessagingSession {
  readonly manager: ConnectionManager;
  readonly engine: MessagingEngine;
  start(): void;
  /** Disconnect and stop listening; the store stays open (the session layer closes it). */
  stop(): Promise<void>;
}

/** One signed-in staff member's messaging: connection manager plus engine over their store. */
export function createMessagingSession(options: MessagingSessionOptions): MessagingSession {
  const manager = createConnectionManager({
    server: options.server,
    credentials: options.credentials,
    log: options.log,
    ...(options.onSecrets ? { onSecrets: options.onSecrets } : {}),
  });
  const engine = createMessagingEngine({
    manager,
    store: options.store,
    log: options.log,
    ...(options.adminJids ? { adminJids: options.adminJids } : {}),
    ...(options.onAdminCommand ? { onAdminCommand: options.onAdminCommand } : {}),
    ...(options.onRejected ? { onRejected: options.onRejected } : {}),
    ...(options.controls ? { controls: options.controls } : {}),
  });
  return {
    manager,
    engine,
    start: () => manager.start(),
    async stop() {
      await manager.stop();
      engine.dispose();
    },
  };
}
