import { describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, EXPOSED_API_KEY, channelFor, methodNames } from '../../shared/contract/index.ts';
import { createExposedApi, type RendererIpcLike } from '../../electron/preload/api.ts';
import { preloadTable } from '../../electron/preload/table.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const invoked: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: RendererIpcLike = {
    async invoke(channel, ...args) {
      invoked.push([channel, args]);
      return { ok: true, value: channel };
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, message: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipcRenderer internals' }, message);
  };
  return { ipc, invoked, listeners, emit };
}

describe('preloadTable', () => {
  it('is generated from the contract', () => {
    const table = preloadTable();
    expect(table.apiKey).toBe(EXPOSED_API_KEY);
    expect(table.eventChannel).toBe(EVENT_CHANNEL);
    expect(Object.keys(table.channels).sort()).toEqual([...methodNames].sort());
    for (const name of methodNames) expect(table.channels[name]).toBe(channelFor(name));
  });
});

describe('createExposedApi', () => {
  it('exposes exactly the contract methods and subscribe, nothing else', () => {
    const api = createExposedApi(fakeIpc().ipc, preloadTable());
    expect(Object.keys(api).sort()).toEqual(['methods', 'subscribe']);
    expect(Object.keys(api.methods).sort()).toEqual([...methodNames].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.methods)).toBe(true);
    expect(JSON.stringify(api)).not.toContain('sealwire:');
  });
  it('sends each method on its own channel with only the request', async () => {
    const { ipc, invoked } = fakeIpc();
    const api = createExposedApi(ipc, preloadTable());
    for (const name of methodNames) {
      expect(await api.methods[name]({ probe: name })).toEqual({ ok: true, value: channelFor(name) });
    }
    expect(invoked).toEqual(methodNames.map((name) => [channelFor(name), [{ probe: name }]]));
  });
  it('delivers events without the IpcRendererEvent and unsubscribes', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const api = createExposedApi(ipc, preloadTable());
    const got: unknown[][] = [];
    const stop = api.subscribe((...args) => void got.push(args));
    emit(EVENT_CHANNEL, { name: 'system.status', payload: { a: 1 } });
    emit(EVENT_CHANNEL, null);
    emit(EVENT_CHANNEL, 'junk');
    emit(EVENT_CHANNEL, { name: 5, payload: 1 });
    emit(EVENT_CHANNEL, { name: 'x'.repeat(101), payload: 1 });
    expect(got).toEqual([['system.status', { a: 1 }]]);
    stop();
    stop();
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(0);
    emit(EVENT_CHANNEL, { name: 'system.status', payload: {} });
    expect(got).toHaveLength(1);
  });
  it('refuses a subscription without a function', () => {
    const api = createExposedApi(fakeIpc().ipc, preloadTable());
    expect(() => api.subscribe('nope' as never)).toThrow(TypeError);
  });
});
