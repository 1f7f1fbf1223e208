import {
  BRIDGE_PATH,
  BRIDGE_TOKEN_PARAM,
  EXPOSED_API_KEY,
  type ExposedApi,
  type MethodName,
} from '../../../shared/contract/index.ts';
import type { ConnectionState, Transport } from './client.ts';

const CLOSED = { ok: false, error: { code: 'network', message: 'The connection to Sealwire closed.' } } as const;

export function preloadTransport(api: ExposedApi): Transport {
  return {
    call: (method, request) => api.methods[method](request),
    subscribe: (listener) => api.subscribe(listener),
    // Inside Electron the preload is always there; there is no connection to lose.
    watchConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}

/** The development bridge: same contract, loopback WebSocket, per-run token from the URL fragment. */
export function bridgeTransport(wsUrl: string): Transport {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const watchers = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState) => {
    if (state === next) return;
    state = next;
    for (const watcher of watchers) watcher(next);
  };
  const socket = new WebSocket(wsUrl);
  const open = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('bridge unreachable')), { once: true });
    socket.addEventListener('close', () => reject(new Error('bridge closed')), { once: true });
  });
  // Callers see the failure through call(); this only keeps it from surfacing as an unhandled rejection.
  open.then(() => setState('open'), () => setState('closed'));
  socket.addEventListener('close', () => {
    setState('closed');
    for (const settle of pending.values()) settle(CLOSED);
    pending.clear();
  });
  socket.addEventListener('message', (event) => {
    let frame: { kind?: unknown; id?: unknown; result?: unknown; name?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(String(event.data)) as typeof frame;
    } catch {
      return;
    }
    if (frame.kind === 'result' && typeof frame.id === 'number') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else if (frame.kind === 'event' && typeof frame.name === 'string') {
      for (const listener of listeners) listener(frame.name, frame.payload);
    }
  });
  return {
    async call(method: MethodName, request: unknown) {
      await open;
      // A socket that closed after opening would swallow the frame and leave the caller waiting forever.
      if (socket.readyState !== WebSocket.OPEN) return CLOSED;
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, request }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchConnection(listener) {
      watchers.add(listener);
      listener(state);
      return () => watchers.delete(listener);
    },
  };
}

/** Picks the transport for where the renderer runs; the bridge token is taken from the fragment, then erased. */
export function detectTransport(win: Window): Transport {
  const exposed = (win as unknown as Record<string, unknown>)[EXPOSED_API_KEY] as ExposedApi | undefined;
  if (exposed) return preloadTransport(exposed);
  const params = new URLSearchParams(win.location.hash.slice(1));
  const token = params.get(BRIDGE_TOKEN_PARAM) ?? win.sessionStorage.getItem('sealwire.bridge') ?? '';
  // Kept for reloads of this tab only (the session layer reloads the page on lock).
  win.sessionStorage.setItem('sealwire.bridge', token);
  win.history.replaceState(null, '', win.location.pathname);
  const wsUrl = `ws://${win.location.host}${BRIDGE_PATH}?${BRIDGE_TOKEN_PARAM}=${encodeURIComponent(token)}`;
  return bridgeTransport(wsUrl);
}
