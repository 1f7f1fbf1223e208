import type { EventName, EventPayload, MessagingStatus } from '../../../shared/contract/index.ts';
import { CoreError } from '../errors.ts';
import type { Handler } from '../ipc/dispatcher.ts';
import type { Store } from '../store/store.ts';
import type { MessagingEngine } from './engine.ts';
import type { ConnectionManager } from './manager.ts';

/** What the handlers need: the signed-in staff member's engine and store, or null while none is. */
export interface MessagingHandlerDeps {
  current(): { engine: MessagingEngine; manager: ConnectionManager; store: Store } | null;
}

type MessagingMethod = 'messaging.state' | 'messaging.send' | 'messaging.directory' | 'messaging.markRead';

const notSignedIn = () => new CoreError('locked', 'Sign in to use messaging.');

export function messagingHandlers(deps: MessagingHandlerDeps): { [M in MessagingMethod]: Handler<M> } {
  const need = () => {
    const c = deps.current();
    if (c === null) throw notSignedIn();
    return c;
  };
  return {
    'messaging.state': (): MessagingStatus => {
      const c = deps.current();
      if (c === null) return { state: 'offline', account: null, outbox: 0 };
      return { state: c.manager.state, account: c.manager.account, outbox: c.store.outboxSize() };
    },
    'messaging.send': (req) => {
      const { engine } = need();
      const message = engine.send({
        to: req.to,
        body: req.body,
        ...(req.priority === undefined ? {} : { priority: req.priority }),
        ...(req.patientTag === undefined ? {} : { patientTag: req.patientTag }),
      });
      return { message };
    },
    'messaging.directory': (req) => {
      const { store } = need();
      const entries = store.listContacts(req.limit ?? 500).map((c) => ({ jid: c.jid, displayName: c.displayName, presence: c.presence }));
      return { entries };
    },
    'messaging.markRead': (req) => {
      const { engine, store } = need();
      const conversation = store.getConversation(req.conversationId);
      if (conversation === null) throw new CoreError('not_found', 'That conversation does not exist.');
      return engine.markRead(req.conversationId, req.upToMessageId);
    },
  };
}

/** Forward engine events to the renderer's event stream (ids and states only, never text). */
export function bindMessagingEvents(
  engine: MessagingEngine,
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void,
): () => void {
  const offs = [
    engine.onConnection((state) => emit('messaging.connection', { state })),
    engine.onIncoming((m) =>
      emit('messaging.incoming', { conversationId: m.conversationId, messageId: m.id, direction: m.direction, priority: m.priority }),
    ),
    engine.onMessageState((c) => emit('messaging.messageState', { conversationId: c.conversationId, messageId: c.messageId, state: c.state })),
  ];
  return () => {
    for (const off of offs) off();
  };
}
