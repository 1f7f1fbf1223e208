import { describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { createDispatcher, type Handlers } from '../../electron/core/ipc/dispatcher.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';

const status = {
  appVersion: '1.0.0',
  keychain: 'available' as const,
  keychainDetail: null,
  storeExists: false,
  profileCount: 0,
  runtime: 'bridge' as const,
  platform: 'linux',
  checkedAt: 1,
};
const ctx = { transport: 'bridge' as const };
// Only system.status is exercised; the other handlers are never reached.
const make = (handler: Handlers['system.status']) =>
  createDispatcher({ 'system.status': handler } as unknown as Handlers, silentLogger);

describe('dispatcher', () => {
  it('runs a valid call and returns the validated value', async () => {
    expect(await make(() => status).call('system.status', {}, ctx)).toEqual({ ok: true, value: status });
  });
  it('refuses unknown methods, including prototype names', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 42, null]) {
      const r = await make(() => status).call(name, {}, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });
  it('refuses requests that do not match the schema', async () => {
    for (const bad of [null, 'x', [], { extra: 1 }, JSON.parse('{"__proto__":{"polluted":1}}')]) {
      expect(await make(() => status).call('system.status', bad, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('turns a handler crash into a PHI-free internal error', async () => {
    const r = await make(() => {
      throw new Error('Jane Doe MRN 12345678 exploded');
    }).call('system.status', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(r)).not.toContain('Jane');
  });
  it('passes CoreError codes through and rejects malformed responses', async () => {
    const locked = await make(() => {
      throw new CoreError('locked', 'Sealwire is locked.');
    }).call('system.status', {}, ctx);
    expect(locked).toEqual({ ok: false, error: { code: 'locked', message: 'Sealwire is locked.' } });
    const bad = await make(() => ({ ...status, keychain: 'maybe' }) as never).call('system.status', {}, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_response' } });
  });
  it('turns a success whose audit record cannot be written into the audit error, and keeps a failure as it was', async () => {
    const refuse = { after: () => Promise.reject(new CoreError('audit_unavailable', 'The activity record cannot be written.')) };
    const d = createDispatcher({ 'system.status': () => status } as unknown as Handlers, silentLogger, refuse);
    expect(await d.call('system.status', {}, ctx)).toEqual({ ok: false, error: { code: 'audit_unavailable', message: 'The activity record cannot be written.' } });
    const failing = createDispatcher(
      {
        'system.status': () => {
          throw new CoreError('locked', 'Sealwire is locked.');
        },
      } as unknown as Handlers,
      silentLogger,
      refuse,
    );
    expect(await failing.call('system.status', {}, ctx)).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});
