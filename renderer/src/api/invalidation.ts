import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { InboxEntry, Message } from '../../../shared/contract/index.ts';
import type { Client } from './client.ts';
import { putInboxEntry, putMessage } from './screen-cache.ts';

/**
 * Which answers each core event changes: the only way a shown answer changes (besides the screen's
 * own actions). Message events carry the message and its inbox row, which are put in place; an
 * answer is asked again only when an event does not carry it. Keys are [method, request]; a
 * partial request matches every request that contains it.
 */
export function invalidateOnEvents(client: Client, queries: QueryClient): () => void {
  const stale = (...keys: QueryKey[]) => {
    for (const queryKey of keys) void queries.invalidateQueries({ queryKey });
  };
  const messageEvent = ({ conversationId, message, inbox }: { conversationId: number; message?: Message | undefined; inbox?: InboxEntry | undefined }) => {
    if (inbox) putInboxEntry(queries, inbox);
    else stale(['conversations.inbox']);
    if (message) putMessage(queries, message);
    else stale(['conversations.open', { conversationId }]);
  };
  const offs = [
    client.on('messaging.incoming', (event) => {
      messageEvent(event);
      if (event.priority === 'urgent') stale(['urgent.pending']);
    }),
    client.on('messaging.messageState', messageEvent),
    client.on('patients.changed', ({ conversationId }) =>
      stale(['patients.list'], conversationId === null ? ['patients.thread'] : ['patients.thread', { conversationId }]),
    ),
    client.on('urgent.acknowledged', ({ conversationId }) => stale(['urgent.acknowledgements', { conversationId }], ['urgent.pending'])),
    // Rooms joined, left, named or with members coming and going.
    client.on('messaging.roomsChanged', () => stale(['conversations.inbox'], ['messaging.rooms'], ['messaging.roomMembers'])),
    // Events that carry the whole answer replace it; what may have changed with them is asked again.
    client.on('system.status', (status) => queries.setQueryData(['system.status', {}], status)),
    // Settings shows the effective policy; an organisation's change arrives whole.
    client.on('policy.changed', (policy) => queries.setQueryData(['policy.effective', {}], policy)),
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
