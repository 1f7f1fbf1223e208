import { ipcMain, type WebContents } from 'electron';
import type { Core } from '../core/app.ts';
import type { Logger } from '../core/log/logger.ts';
import { bindContract, forwardEvents, type HandleRegistry } from '../core/shell/ipc-binding.ts';

/** Binds every contract method to ipcMain.handle; the logic and its tests live in core/shell/ipc-binding.ts. */
export function bindIpc(core: Core, log: Logger): () => void {
  const registry: HandleRegistry = {
    handle: (channel, listener) => ipcMain.handle(channel, (event, request: unknown) => listener(event, request)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  };
  return bindContract(registry, core.dispatcher, log);
}

/** Pushes core events to one window's renderer until the window goes away. */
export function forwardEventsTo(contents: WebContents, core: Core, log: Logger): () => void {
  const unsubscribe = forwardEvents(
    core.events,
    (channel, message) => {
      if (!contents.isDestroyed()) contents.send(channel, message);
    },
    log,
  );
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
