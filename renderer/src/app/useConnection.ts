import { useEffect, useState } from 'react';
import { useClient } from '../api/ClientProvider.tsx';
import type { ConnectionState } from '../api/client.ts';

export function useConnection(): ConnectionState {
  const client = useClient();
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => client.watchConnection(setState), [client]);
  return state;
}
