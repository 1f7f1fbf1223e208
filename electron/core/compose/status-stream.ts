import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log/logger.ts';
import { readSystemStatus, type StatusDeps } from '../system/status.ts';

export interface StatusStream {
  /** Re-read now (after calls that create or open profiles, so the stream does not lag behind them). */
  refresh(): Promise<void>;
  stop(): void;
}

/** Pushes a fresh system status whenever it changes (keychain lost, first profile created). */
export function startStatusStream(deps: { status: StatusDeps; events: CoreEvents; log: Logger; intervalMs: number }): StatusStream {
  let last = '';
  const refresh = async () => {
    try {
      const status = await readSystemStatus(deps.status);
      const { checkedAt: _ignored, ...comparable } = status;
      const key = JSON.stringify(comparable);
      if (key !== last) {
        last = key;
        deps.events.emit('system.status', status);
      }
    } catch (err) {
      deps.log.error('status.refresh_failed', { error: err });
    }
  };
  const timer = setInterval(() => void refresh(), deps.intervalMs);
  timer.unref();
  void refresh();
  return { refresh, stop: () => clearInterval(timer) };
}
