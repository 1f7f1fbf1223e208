import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../shared/contract/policy.ts';
import { mergePolicy } from '../../electron/core/policy/merge.ts';
import { alertsHandlers } from '../../electron/core/ipc/handlers/alerts.ts';
import type { MessagingEngine } from '../../electron/core/messaging/engine.ts';
import type { Store } from '../../electron/core/store/store.ts';

describe('urgent repeat timings are policy keys (issue 11)', () => {
  it('defaults to every 2 minutes for 20 minutes', () => {
    expect(DEFAULT_POLICY.urgentRepeatMinutes).toBe(2);
    expect(DEFAULT_POLICY.urgentRepeatForMinutes).toBe(20);
  });

  it('lets IT repeat more often and for longer, never less', () => {
    const tighter = mergePolicy({ server: { urgentRepeatMinutes: 1, urgentRepeatForMinutes: 60 } });
    expect(tighter.values).toMatchObject({ urgentRepeatMinutes: 1, urgentRepeatForMinutes: 60 });
    const looser = mergePolicy({ server: { urgentRepeatMinutes: 1 }, machine: { urgentRepeatMinutes: 10, urgentRepeatForMinutes: 5 } });
    expect(looser.values).toMatchObject({ urgentRepeatMinutes: 1, urgentRepeatForMinutes: 20 });
    expect(looser.refused).toEqual(
      expect.arrayContaining([
        { key: 'urgentRepeatMinutes', source: 'machine', reason: 'looser' },
        { key: 'urgentRepeatForMinutes', source: 'machine', reason: 'looser' },
      ]),
    );
    expect(mergePolicy({ machine: { urgentRepeatMinutes: 0 } }).refused).toEqual([{ key: 'urgentRepeatMinutes', source: 'machine', reason: 'invalid' }]);
  });

  it('urgent.pending hands the live policy timings to the alert scheduler', async () => {
    let values = { ...DEFAULT_POLICY };
    // Only the store's pending query is reached by urgent.pending; the timings are what is under test.
    const store = { pendingUrgent: () => [] } as unknown as Store;
    const handlers = alertsHandlers({ current: () => ({ engine: {} as MessagingEngine, store }), policy: () => values, now: () => 0 });
    const call = () => (handlers['urgent.pending'] as (req: object) => unknown)({});
    expect(await call()).toMatchObject({ repeatEveryMs: 2 * 60_000, repeatForMs: 20 * 60_000 });
    values = { ...values, urgentRepeatMinutes: 1, urgentRepeatForMinutes: 45 };
    expect(await call()).toMatchObject({ repeatEveryMs: 60_000, repeatForMs: 45 * 60_000 });
  });
});
