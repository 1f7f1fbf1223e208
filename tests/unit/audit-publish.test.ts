import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { startHeadPublishing, type HeadPublisher } from '../../electron/core/audit/publish.ts';
import type { AuditHeadPayload } from '../../electron/core/audit/log.ts';

const timers = { setInterval: (fn: () => void, ms: number) => setInterval(fn, ms), clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('chain head publication', () => {
  it('publishes on the interval only when the head moved, and retries after a failure', async () => {
    let head: AuditHeadPayload = { deviceId: 'dev_1', seq: 1, hash: 'a'.repeat(64), mac: 'b'.repeat(64) };
    const sent: number[] = [];
    let fail = false;
    const publisher: HeadPublisher = {
      publish: async (h) => {
        if (fail) throw new Error('offline');
        sent.push(h.seq);
      },
    };
    const accepted: number[] = [];
    const pub = startHeadPublishing({ head: () => head, publisher, intervalMs: 60_000, timers, log: silentLogger, onPublished: (h) => accepted.push(h.seq) });
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual([1]);
    head = { ...head, seq: 2, hash: 'c'.repeat(64) };
    fail = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual([1]);
    fail = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual([1, 2]);
    expect(accepted).toEqual([1, 2]);
    expect(await pub.publishNow()).toBe(false);
    pub.stop();
    head = { ...head, seq: 3 };
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sent).toEqual([1, 2]);
  });

  it('never sends two at once', async () => {
    let release: () => void = () => {};
    let calls = 0;
    const publisher: HeadPublisher = {
      publish: () => {
        calls++;
        return new Promise<void>((r) => (release = r));
      },
    };
    const pub = startHeadPublishing({
      head: () => ({ deviceId: 'dev_1', seq: 5, hash: 'a'.repeat(64), mac: 'b'.repeat(64) }),
      publisher,
      intervalMs: 1_000,
      timers,
      log: silentLogger,
    });
    const a = pub.publishNow();
    const b = pub.publishNow();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);
    release();
    expect(await a).toBe(true);
    expect(await b).toBe(true);
    pub.stop();
  });
});
