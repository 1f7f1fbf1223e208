import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, use, useLayoutEffect, useState, type ReactNode } from 'react';
import type { Client } from './client.ts';
import { invalidateOnEvents } from './invalidation.ts';

const ClientContext = createContext<Client | null>(null);

/**
 * Answers are kept only while a screen shows them (gcTime 0: no PHI lingers in a cache after the
 * screen closes) and are asked again only when a named core event says they changed (staleTime
 * Infinity, no refetch on focus or reconnect: every refresh of PHI is an audited call in main).
 */
function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Infinity, gcTime: 0, refetchOnWindowFocus: false, refetchOnReconnect: false },
    },
  });
}

/** The one place the contract client enters the React tree; screens take it with useClient(). */
export function ClientProvider({ client, children }: { client: Client; children: ReactNode }) {
  const [queries] = useState(newQueryClient);
  // A layout effect: subscribed before any screen's first ask (passive effects), so no event is missed.
  useLayoutEffect(() => invalidateOnEvents(client, queries), [client, queries]);
  return (
    <ClientContext value={client}>
      <QueryClientProvider client={queries}>{children}</QueryClientProvider>
    </ClientContext>
  );
}

export function useClient(): Client {
  const client = use(ClientContext);
  if (client === null) throw new Error('useClient outside ClientProvider');
  return client;
}
