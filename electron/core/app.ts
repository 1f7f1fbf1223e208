import type { SystemStatus } from '../../shared/contract/index.ts';
import { CoreEvents } from './events.ts';
import { createDispatcher, type CallHooks, type Dispatcher, type Handlers } from './ipc/dispatcher.ts';
import { createKeytarKeychain, type Keychain } from './keychain/keychain.ts';
import type { Logger } from './log/logger.ts';
import { readSystemStatus } from './system/status.ts';

export interface CoreOptions {
  readonly appVersion: string;
  /** The app's data folder (Electron's userData, or a temp folder for the bridge and tests). */
  readonly dataDir: string;
  readonly runtime: SystemStatus['runtime'];
  readonly log: Logger;
  readonly keychain?: Keychain;
  /** How often the status stream re-checks the keychain and the data folder. */
  readonly statusIntervalMs?: number;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly events: CoreEvents;
  close(): Promise<void>;
}

/** The composition root: everything main (or the development bridge) hosts. */
export function createCore(options: CoreOptions): Core {
  const keychain = options.keychain ?? createKeytarKeychain();
  const events = new CoreEvents(options.log);
  const statusDeps = {
    appVersion: options.appVersion,
    dataDir: options.dataDir,
    keychain,
    runtime: options.runtime,
  };

  // One spread per domain; each domain exports a function returning its handlers.
  const handlers: Handlers = {
    'system.status': () => readSystemStatus(statusDeps),
  };
  const hooks: CallHooks = {};
  const dispatcher = createDispatcher(handlers, options.log, hooks);

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
    async close() {
      clearInterval(timer);
    },
  };
}
