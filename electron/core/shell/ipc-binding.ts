import {
  EVENT_CHANNEL,
  channelFor,
  methodNames,
  type IpcError,
  type Result,
} from '../../../shared/contract/index.ts';
import type { CoreEvents } from '../events.ts';
import type { Dispatcher } from '../ipc/dispatcher.ts';
import type { Logger } from '../log/logger.ts';
import { isTrustedSender } from './origin.ts';

/** The part of an ipcMain.handle event the binding reads. */
export interface InvokeEventLike {
  readonly senderFrame?: { readonly url?: unknown } | null;
}

export type InvokeListener = (event: InvokeEventLike, request: unknown) => Promise<Result<unknown>>;

/** ipcMain.handle / removeHandler, narrowed so the binding is testable without Electron. */
export interface HandleRegistry {
  handle(channel: string, listener: InvokeListener): void;
  removeHandler(channel: string): void;
}

const refuse = (code: IpcError['code'], message: string): Result<never> => ({ ok: false, error: { code, message } });

/**
 * Main-side binding generated from the contract: one ipcMain handler per method name, nothing
 * generic. Calls from any frame that is not the app's own origin are refused; everything else goes
 * through the dispatcher (validation both ways, typed errors). Nothing ever throws back into Electron.
 * Returns a function that removes every handler.
 */
export function bindContract(ipc: HandleRegistry, dispatcher: Dispatcher, log: Logger): () => void {
  for (const name of methodNames) {
    ipc.handle(channelFor(name), async (event, request) => {
      try {
        let frameUrl: unknown;
        try {
          // senderFrame is a getter that throws once the frame is gone.
          frameUrl = event?.senderFrame?.url;
        } catch {
          frameUrl = undefined;
        }
        if (!isTrustedSender(frameUrl)) {
          log.warn('ipc.forbidden_origin', { method: name });
          return refuse('forbidden_origin', 'This window is not allowed to use Sealwire.');
        }
        return await dispatcher.call(name, request, { transport: 'ipc' });
      } catch (err) {
        log.error('ipc.binding_failed', { method: name, error: err });
        return refuse('internal', 'Something went wrong. The problem was logged.');
      }
    });
  }
  return () => {
    for (const name of methodNames) ipc.removeHandler(channelFor(name));
  };
}

/** The frame main sends on EVENT_CHANNEL; the preload hands name and payload to the renderer. */
export interface EventMessage {
  readonly name: string;
  readonly payload: unknown;
}

/**
 * Forwards core events to one renderer. `send` is webContents.send guarded by the caller; a failing
 * send (window gone) is logged, never thrown. Returns the unsubscribe function.
 */
export function forwardEvents(
  events: Pick<CoreEvents, 'subscribe'>,
  send: (channel: string, message: EventMessage) => void,
  log: Logger,
): () => void {
  return events.subscribe((name, payload) => {
    try {
      send(EVENT_CHANNEL, { name, payload });
    } catch (err) {
      log.warn('ipc.event_send_failed', { event: name, error: err });
    }
  });
}
