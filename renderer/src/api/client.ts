import './zod-config.ts';
import {
  events,
  isEventName,
  methods,
  resultSchema,
  type EventName,
  type EventPayload,
  type MethodName,
  type RequestOf,
  type ResponseOf,
  type Result,
} from '../../../shared/contract/index.ts';

/** Whether the renderer can reach main (always 'open' inside Electron; the bridge's socket can fail). */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** How calls leave the renderer: the Electron preload, or the development bridge's WebSocket. */
export interface Transport {
  call(method: MethodName, request: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** Calls the listener with the current state at once, then on every change. */
  watchConnection(listener: (state: ConnectionState) => void): () => void;
}

export interface Client {
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  watchConnection(listener: (state: ConnectionState) => void): () => void;
}

const BAD_ANSWER = { code: 'invalid_response', message: 'Sealwire produced an unexpected answer.' } as const;

/** Validates both ways: main validated the request; here every answer and event is checked again. */
export function createClient(transport: Transport): Client {
  return {
    async call(method, request) {
      let raw: unknown;
      try {
        raw = await transport.call(method, request);
      } catch {
        return { ok: false, error: { code: 'network', message: 'Sealwire could not be reached.' } };
      }
      const parsed = resultSchema(methods[method].response).safeParse(raw);
      if (!parsed.success) return { ok: false, error: BAD_ANSWER };
      return parsed.data as Result<ResponseOf<typeof method>>;
    },
    on(event, listener) {
      return transport.subscribe((name, payload) => {
        if (name !== event || !isEventName(name)) return;
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
      });
    },
    watchConnection: (listener) => transport.watchConnection(listener),
  };
}
