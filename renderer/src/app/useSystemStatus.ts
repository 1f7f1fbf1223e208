import { useCallback, useEffect, useState } from 'react';
import type { SystemStatus } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';

export type SystemState =
  | { phase: 'loading' }
  | { phase: 'ready'; status: SystemStatus }
  /** Main (or the bridge) cannot be reached: refused, closed, or no answer in time. */
  | { phase: 'unreachable' }
  /** Reached, but the answer was an error. */
  | { phase: 'failed' };

/** How long the first answer may take before the screen says Sealwire cannot be reached. */
export const FIRST_ANSWER_TIMEOUT_MS = 10_000;

/** The real system.status: asked once, then kept current by the status event stream. */
export function useSystemStatus(timeoutMs = FIRST_ANSWER_TIMEOUT_MS) {
  const client = useClient();
  const [state, setState] = useState<SystemState>({ phase: 'loading' });
  const [refreshing, setRefreshing] = useState(false);

  const ask = useCallback(async (): Promise<SystemState> => {
    const result = await client.call('system.status', {});
    if (result.ok) return { phase: 'ready', status: result.value };
    return result.error.code === 'network' ? { phase: 'unreachable' } : { phase: 'failed' };
  }, [client]);

  useEffect(() => {
    let active = true;
    const offEvent = client.on('system.status', (status) => {
      if (active) setState({ phase: 'ready', status });
    });
    const offConnection = client.watchConnection((connection) => {
      if (active && connection === 'closed') setState({ phase: 'unreachable' });
    });
    const timer = setTimeout(() => {
      if (active) setState((s) => (s.phase === 'loading' ? { phase: 'unreachable' } : s));
    }, timeoutMs);
    void ask().then((next) => {
      // An event may already have brought a fresher status; a late answer must not replace it.
      if (active) setState((s) => (s.phase === 'ready' && next.phase === 'ready' ? s : next));
    });
    return () => {
      active = false;
      clearTimeout(timer);
      offEvent();
      offConnection();
    };
  }, [client, ask, timeoutMs]);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      setState(await ask());
    } finally {
      setRefreshing(false);
    }
  }, [ask]);

  return { state, refresh, refreshing };
}
