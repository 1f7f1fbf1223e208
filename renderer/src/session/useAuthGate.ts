import { useCallback, useEffect } from 'react';
import type { ProfileSummary, SessionState, SignInConfig, VaultProtection } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { useContractQuery } from '../api/useContractQuery.ts';
import { discardPhi, hasShownPhi } from './discard.ts';

export interface GateState {
  readonly session: SessionState;
  readonly profiles: readonly ProfileSummary[];
  readonly protection: VaultProtection;
  readonly config: SignInConfig;
}

export type Gate = { phase: 'loading' } | { phase: 'ready'; state: GateState } | { phase: 'failed' };

const TYPED_SERVER: SignInConfig = { server: null, serverManaged: false, organisationName: null, wipedByOrganisation: false };

/**
 * Who is at the workstation, as main says: the session state, the profiles (names only) and the
 * sign-in configuration, read through the query hook (session.changed carries the new session and
 * marks the profiles and configuration stale: api/invalidation.ts). Leaving "unlocked" after PHI
 * was shown reloads the page (discardPhi).
 */
export function useAuthGate() {
  const client = useClient();
  const session = useContractQuery('session.state', {});
  const list = useContractQuery('profiles.list', {});
  const config = useContractQuery('account.signInConfig', {});

  useEffect(
    () =>
      client.on('session.changed', (next) => {
        if (next.state !== 'unlocked' && hasShownPhi()) discardPhi();
      }),
    [client],
  );

  const { refetch: refetchSession } = session;
  const { refetch: refetchList } = list;
  const { refetch: refetchConfig } = config;
  const refresh = useCallback(async () => {
    const [next] = await Promise.all([refetchSession(), refetchList(), refetchConfig()]);
    if (next.data && next.data.state !== 'unlocked' && hasShownPhi()) discardPhi();
  }, [refetchSession, refetchList, refetchConfig]);

  // No keychain: nothing can be opened or stored; the picker says so instead of failing.
  const noKeychain = list.error !== null && list.error.code === 'keychain_unavailable';
  let gate: Gate;
  if (session.error !== null || (list.error !== null && !noKeychain)) gate = { phase: 'failed' };
  else if (session.data === null || (list.data === null && !noKeychain) || (config.data === null && config.error === null)) gate = { phase: 'loading' };
  else
    gate = {
      phase: 'ready',
      state: {
        session: session.data,
        profiles: list.data?.profiles ?? [],
        protection: list.data?.protection ?? 'unavailable',
        // Without a configured server the staff member types it; the field is then editable.
        config: config.data ?? TYPED_SERVER,
      },
    };
  return { gate, refresh };
}
