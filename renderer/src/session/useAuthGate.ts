import { useCallback, useEffect, useState } from 'react';
import type { ProfileSummary, SessionState, SignInConfig, VaultProtection } from '../../../shared/contract/index.ts';
import { useClient } from '../api/ClientProvider.tsx';
import { discardPhi, hasShownPhi } from './discard.ts';

export interface GateState {
  readonly session: SessionState;
  readonly profiles: readonly ProfileSummary[];
  readonly protection: VaultProtection;
  readonly config: SignInConfig;
}

export type Gate = { phase: 'loading' } | { phase: 'ready'; state: GateState } | { phase: 'failed' };

const TYPED_SERVER: SignInConfig = { server: null, serverManaged: false };

/**
 * Who is at the workstation, as main says: the session state, the profiles (names only) and the
 * sign-in configuration. Leaving "unlocked" after PHI was shown reloads the page (discardPhi).
 */
export function useAuthGate() {
  const client = useClient();
  const [gate, setGate] = useState<Gate>({ phase: 'loading' });

  const load = useCallback(async (): Promise<Gate> => {
    const [session, list, config] = await Promise.all([
      client.call('session.state', {}),
      client.call('profiles.list', {}),
      client.call('account.signInConfig', {}),
    ]);
    if (!session.ok) return { phase: 'failed' };
    // No keychain: nothing can be opened or stored; the picker says so instead of failing.
    const noKeychain = !list.ok && list.error.code === 'keychain_unavailable';
    if (!list.ok && !noKeychain) return { phase: 'failed' };
    return {
      phase: 'ready',
      state: {
        session: session.value,
        profiles: list.ok ? list.value.profiles : [],
        protection: list.ok ? list.value.protection : 'unavailable',
        // Without a configured server the staff member types it; the field is then editable.
        config: config.ok ? config.value : TYPED_SERVER,
      },
    };
  }, [client]);

  const refresh = useCallback(async () => {
    const next = await load();
    if (next.phase === 'ready' && next.state.session.state !== 'unlocked' && hasShownPhi()) {
      discardPhi();
      return;
    }
    setGate(next);
  }, [load]);

  useEffect(() => {
    let active = true;
    const off = client.on('session.changed', (session) => {
      if (session.state !== 'unlocked' && hasShownPhi()) {
        discardPhi();
        return;
      }
      if (!active) return;
      setGate((g) => (g.phase === 'ready' ? { phase: 'ready', state: { ...g.state, session } } : g));
      // Names and PIN flags may have changed with the transition (new profile, PIN slot destroyed).
      void load().then((next) => {
        if (active && next.phase === 'ready') setGate(next);
      });
    });
    void load().then((next) => {
      if (active) setGate(next);
    });
    return () => {
      active = false;
      off();
    };
  }, [client, load]);

  return { gate, refresh };
}
