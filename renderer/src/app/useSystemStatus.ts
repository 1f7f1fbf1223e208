import { useCallback, useEffect, useState } from 'react';
import type { SystemStatus } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';

export type SystemState =
  | { phase: 'loading' }
  | { phase: 'ready'; status: SystemStatus }
  /** Main (or the bridge) cannot be reached: refused, closed, or no answer in time. */
  | { phase: 'unreachable' }
  /** Reached, but the answer was an error. */
  | { phase: 'failed' };

/** How long the first answer may take before the screen says Sealwire cannot be reached. */
export const FIRST_ANSWER_TIMEOUT_MS = 10_000;

/** The real system.status through the query hook, kept current by the system.status event (api/invalidation.ts). */
export function useSystemStatus(timeoutMs = FIRST_ANSWER_TIMEOUT_MS) {
  const client = useClient();
  const { data, error, refetch } = useContractQuery('system.status', {});
  const [closed, setClosed] = useState(false);
  const [late, setLate] = useState(false);
  const [refreshing, setRefreshing] = useState(false);

  useEffect(
    () =>
      client.watchConnection((connection) => {
        if (connection === 'closed') setClosed(true);
      }),
    [client],
  );
  useEffect(() => {
    const timer = setTimeout(() => setLate(true), timeoutMs);
    return () => clearTimeout(timer);
  }, [timeoutMs]);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      await refetch();
    } finally {
      setRefreshing(false);
    }
  }, [refetch]);

  let state: SystemState;
  if (closed) state = { phase: 'unreachable' };
  else if (error !== null) state = error.code === 'network' ? { phase: 'unreachable' } : { phase: 'failed' };
  else if (data !== null) state = { phase: 'ready', status: data };
  else state = late ? { phase: 'unreachable' } : { phase: 'loading' };
  return { state, refresh, refreshing };
}
