import type { EventName, EventPayload } from '../../../shared/contract/index.ts';
import type { MessagingEngine } from '../messaging/engine.ts';

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Forward engine events to the renderer's event stream (ids and states only, never text). */
export function bindMessagingEvents(engine: MessagingEngine, emit: Emit): () => void {
  const offs = [
    engine.onConnection((state) => emit('messaging.connection', { state })),
    engine.onIncoming((m) =>
      emit('messaging.incoming', { conversationId: m.conversationId, messageId: m.id, direction: m.direction, priority: m.priority }),
    ),
    engine.onMessageState((c) => emit('messaging.messageState', { conversationId: c.conversationId, messageId: c.messageId, state: c.state })),
    engine.onRoomsChanged(() => emit('messaging.roomsChanged', {})),
    engine.onAcknowledged((a) => emit('urgent.acknowledged', { conversationId: a.conversationId, messageId: a.messageId })),
  ];
  return () => {
    for (const off of offs) off();
  };
}
