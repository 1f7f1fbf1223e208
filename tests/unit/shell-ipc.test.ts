import { describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, channelFor, methodNames, type SystemStatus } from '../../shared/contract/index.ts';
import { CoreEvents } from '../../electron/core/events.ts';
import { createDispatcher, type Dispatcher, type Handlers } from '../../electron/core/ipc/dispatcher.ts';
import { silentLogger, type Logger } from '../../electron/core/log/logger.ts';
import { bindContract, forwardEvents, type HandleRegistry, type InvokeListener } from '../../electron/core/shell/ipc-binding.ts';

const status: SystemStatus = {
  appVersion: '1.0.0',
  keychain: 'available',
  keychainDetail: null,
  storeExists: false,
  profileCount: 0,
  runtime: 'desktop',
  platform: 'linux',
  checkedAt: 1,
};

function registry() {
  const handlers = new Map<string, InvokeListener>();
  const ipc: HandleRegistry = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return { ipc, handlers };
}

function recordingLogger() {
  const lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) => void lines.push({ level, event, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

// Every method needs a handler; only system.status is called here, so the rest refuse loudly.
const allHandlers = (handler: Handlers['system.status']): Handlers =>
  Object.fromEntries(
    methodNames.map((name) => [
      name,
      name === 'system.status'
        ? handler
        : () => {
            throw new Error(`${name} is not used in this test`);
          },
    ]),
  ) as unknown as Handlers;
const fromApp = { senderFrame: { url: 'app://sealwire/index.html' } };

describe('bindContract', () => {
  it('registers exactly one handler per contract method and removes them all', () => {
    const { ipc, handlers } = registry();
    const unbind = bindContract(ipc, createDispatcher(allHandlers(() => status), silentLogger), silentLogger);
    expect([...handlers.keys()].sort()).toEqual(methodNames.map(channelFor).sort());
    unbind();
    expect(handlers.size).toBe(0);
  });
  it('answers calls from the app origin through the dispatcher', async () => {
    const { ipc, handlers } = registry();
    bindContract(ipc, createDispatcher(allHandlers(() => status), silentLogger), silentLogger);
    const call = handlers.get(channelFor('system.status'))!;
    expect(await call(fromApp, {})).toEqual({ ok: true, value: status });
    expect(await call(fromApp, { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
  it('refuses calls from any other frame with forbidden_origin, without running the handler', async () => {
    const { ipc, handlers } = registry();
    const { log, lines } = recordingLogger();
    let ran = 0;
    bindContract(ipc, createDispatcher(allHandlers(() => (ran++, status)), silentLogger), log);
    const call = handlers.get(channelFor('system.status'))!;
    const frames = [
      { senderFrame: null },
      {},
      { senderFrame: { url: 'file:///tmp/evil.html' } },
      { senderFrame: { url: 'http://127.0.0.1:5173/' } },
      { senderFrame: { url: 'https://evil.example/' } },
      { senderFrame: { url: 'app://other/' } },
      { senderFrame: { url: undefined } },
      { senderFrame: { url: 7 } },
      {
        get senderFrame(): never {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      },
    ];
    for (const frame of frames) {
      const r = await call(frame, {});
      expect(r).toEqual({ ok: false, error: { code: 'forbidden_origin', message: expect.any(String) } });
    }
    expect(ran).toBe(0);
    expect(lines.filter((l) => l.event === 'ipc.forbidden_origin')).toHaveLength(frames.length);
  });
  it('never lets a failure escape into Electron', async () => {
    const { ipc, handlers } = registry();
    const broken: Dispatcher = {
      call() {
        throw new Error('Jane Doe, MRN 12345678');
      },
    };
    const { log, lines } = recordingLogger();
    bindContract(ipc, broken, log);
    const r = await handlers.get(channelFor('system.status'))!(fromApp, {});
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(r)).not.toContain('Jane');
    expect(lines.some((l) => l.level === 'error' && l.event === 'ipc.binding_failed')).toBe(true);
    // A missing event object must not throw either.
    expect(await handlers.get(channelFor('system.status'))!(undefined as never, {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden_origin' },
    });
  });
});

describe('forwardEvents', () => {
  it('sends validated core events on the event channel until unsubscribed', () => {
    const events = new CoreEvents(silentLogger);
    const sent: [string, unknown][] = [];
    const stop = forwardEvents(events, (channel, message) => void sent.push([channel, message]), silentLogger);
    events.emit('system.status', status);
    expect(sent).toEqual([[EVENT_CHANNEL, { name: 'system.status', payload: status }]]);
    stop();
    events.emit('system.status', status);
    expect(sent).toHaveLength(1);
  });
  it('logs and survives a failing send (window already gone)', () => {
    const events = new CoreEvents(silentLogger);
    const { log, lines } = recordingLogger();
    forwardEvents(
      events,
      () => {
        throw new Error('Object has been destroyed');
      },
      log,
    );
    expect(() => events.emit('system.status', status)).not.toThrow();
    expect(lines.map((l) => l.event)).toContain('ipc.event_send_failed');
  });
});
