import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Client } from './client.ts';

/**
 * Which answers each core event makes stale: the only way a shown answer is asked again (besides
 * the screen's own actions, which invalidate through useInvalidate). Keys are [method, request];
 * a partial request matches every request that contains it.
 */
export function invalidateOnEvents(client: Client, queries: QueryClient): () => void {
  const stale = (...keys: QueryKey[]) => {
    for (const queryKey of keys) void queries.invalidateQueries({ queryKey });
  };
  const offs = [
    client.on('messaging.incoming', ({ conversationId }) => stale(['conversations.inbox'], ['messages.page', { conversationId }])),
    client.on('messaging.messageState', ({ conversationId }) => stale(['conversations.inbox'], ['messages.page', { conversationId }])),
    // Events that carry the whole answer replace it; what may have changed with them is asked again.
    client.on('system.status', (status) => queries.setQueryData(['system.status', {}], status)),
    client.on('session.changed', (session) => {
      queries.setQueryData(['session.state', {}], session);
      // Names and PIN flags may have changed with the transition (new profile, PIN slot destroyed).
      stale(['profiles.list'], ['account.signInConfig']);
    }),
    // A profile store update or a remote wipe finished: the staff list and the sign-in notice change.
    client.on('profiles.updating', ({ updating }) => {
      if (!updating) stale(['profiles.list'], ['account.signInConfig']);
    }),
    client.on('messaging.connection', ({ state }) => {
      // The state is in the event; account and outbox come with the full answer asked next.
      queries.setQueriesData<{ state: string }>({ queryKey: ['messaging.state'] }, (old) => (old ? { ...old, state } : old));
      stale(['messaging.state']);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
