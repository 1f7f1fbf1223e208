import type { MethodName } from './index.ts';

/**
 * What the preload exposes on `window.sealwire`: one function per contract method and one event
 * subscription. Nothing else (no generic send, no channel names).
 */
export interface ExposedApi {
  readonly methods: { readonly [M in MethodName]: (request: unknown) => Promise<unknown> };
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export const EXPOSED_API_KEY = 'sealwire';
