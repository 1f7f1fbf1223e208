import type { ExposedApi, MethodName } from '../../shared/contract/index.ts';

/** The ipcRenderer calls the preload needs, narrowed so the API is testable without Electron. */
export interface RendererIpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Everything the preload needs from the contract, computed at build time (see table.ts) so the
 * sandboxed preload carries plain strings instead of the whole contract and its schema library.
 */
export interface PreloadTable {
  readonly apiKey: string;
  readonly eventChannel: string;
  readonly channels: Readonly<Record<MethodName, string>>;
}

const MAX_EVENT_NAME = 100;

/**
 * Builds `window.sealwire`: one function per contract method and one event subscription. The
 * renderer never sees channel names, ipcRenderer, or the IpcRendererEvent (which would leak `sender`).
 */
export function createExposedApi(ipc: RendererIpcLike, table: PreloadTable): ExposedApi {
  const methods = {} as Record<MethodName, (request: unknown) => Promise<unknown>>;
  for (const [name, channel] of Object.entries(table.channels) as [MethodName, string][]) {
    methods[name] = (request: unknown) => ipc.invoke(channel, request);
  }
  return Object.freeze({
    methods: Object.freeze(methods),
    subscribe(listener: (name: string, payload: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
      const handler = (_event: unknown, message: unknown) => {
        if (typeof message !== 'object' || message === null) return;
        const { name, payload } = message as { name?: unknown; payload?: unknown };
        if (typeof name !== 'string' || name.length > MAX_EVENT_NAME) return;
        listener(name, payload);
      };
      ipc.on(table.eventChannel, handler);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(table.eventChannel, handler);
      };
    },
  });
}
