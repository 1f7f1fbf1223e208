import { useEffect, useState } from 'react';
import type { Client, ConnectionState } from '../api/client.ts';

export function useConnection(client: Client): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  useEffect(() => client.watchConnection(setState), [client]);
  return state;
}
