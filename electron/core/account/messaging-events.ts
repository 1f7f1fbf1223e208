import { InboxEntry, Message } from '../../../shared/contract/conversations.ts';
import type { EventName, EventPayload } from '../../../shared/contract/index.ts';
import type { MessagingEngine } from '../messaging/engine.ts';
import { inboxEntryForScreen, messageForScreen } from '../store/screen-rows.ts';
import type { Store } from '../store/store.ts';

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface MessagingEventsOptions {
  /**
   * Whether a staff member's session is unlocked now: only then do events carry the message and
   * its inbox row (messaging runs only while unlocked; this is the second lock on that door).
   */
  readonly unlocked?: () => boolean;
}

/**
 * Forward engine events to the renderer's event stream, with what the screens show (the message
 * and its conversation's inbox row) so they update in place instead of asking again. A row the
 * contract refuses is left out (the screen then asks for it): the event itself still goes.
 */
export function bindMessagingEvents(engine: MessagingEngine, store: Store, emit: Emit, options: MessagingEventsOptions = {}): () => void {
  const unlocked = options.unlocked ?? (() => true);
  const rows = (conversationId: number, messageId: number) => {
    if (!unlocked()) return {};
    const stored = store.getMessage(messageId);
    const message = stored === null ? null : Message.safeParse(messageForScreen(store, stored));
    const entry = store.inboxEntry(conversationId);
    const inbox = entry === null ? null : InboxEntry.safeParse(inboxEntryForScreen(store, entry));
    return {
      ...(message?.success ? { message: message.data } : {}),
      ...(inbox?.success ? { inbox: inbox.data } : {}),
    };
  };
  const offs = [
    engine.onConnection((state) => emit('messaging.connection', { state })),
    engine.onIncoming((m) =>
      emit('messaging.incoming', {
        conversationId: m.conversationId,
        messageId: m.id,
        direction: m.direction,
        priority: m.priority,
        // The row as committed now (an attachment may have been filed since the event was queued).
        ...rows(m.conversationId, m.id),
      }),
    ),
    engine.onMessageState((c) =>
      emit('messaging.messageState', { conversationId: c.conversationId, messageId: c.messageId, state: c.state, ...rows(c.conversationId, c.messageId) }),
    ),
    engine.onRoomsChanged(() => emit('messaging.roomsChanged', {})),
    engine.onAcknowledged((a) => emit('urgent.acknowledged', { conversationId: a.conversationId, messageId: a.messageId })),
  ];
  return () => {
    for (const off of offs) off();
  };
}
