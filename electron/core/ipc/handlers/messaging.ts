import type { EventName, EventPayload, MessagingStatus } from '../../../../shared/contract/index.ts';
import type { messagingMethods } from '../../../../shared/contract/messaging.ts';
import { CoreError } from '../../errors.ts';
import { AttachmentError, type MessagingEngine } from '../../messaging/engine.ts';
import type { ConnectionManager } from '../../messaging/manager.ts';
import { bareJid } from '../../../../node-shared/xmpp/stanzas.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

/** What the handlers need: the signed-in staff member's engine and store, or null while none is. */
export interface MessagingHandlerDeps {
  current(): { engine: MessagingEngine; manager: ConnectionManager; store: Store } | null;
  /** Pushes upload progress to the renderer (optional). */
  emit?: Emit;
}

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

const notSignedIn = () => new CoreError('locked', 'Sign in to use messaging.');

/** messaging.*: the signed-in staff member's connection, sending, rooms and directory. */
export function messagingHandlers(deps: MessagingHandlerDeps): HandlersFor<typeof messagingMethods> {
  const need = () => {
    const c = deps.current();
    if (c === null) throw notSignedIn();
    return c;
  };
  return {
    'messaging.state': (): MessagingStatus => {
      const c = deps.current();
      if (c === null) return { state: 'offline', account: null, outbox: 0 };
      return { state: c.manager.state, account: c.manager.account, outbox: c.store.outboxSize(), archive: c.engine.archiveStatus };
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
    'messaging.sendAttachment': async (req) => {
      const { engine } = need();
      const data = Buffer.from(req.dataBase64, 'base64');
      if (data.length === 0) throw new CoreError('invalid_request', 'The file is empty or not readable.');
      try {
        const message = await engine.sendAttachment({
          to: req.to,
          fileName: req.fileName,
          mime: req.mime,
          data,
          ...(req.priority === undefined ? {} : { priority: req.priority }),
          ...(req.patientTag === undefined ? {} : { patientTag: req.patientTag }),
          onProgress: (sent, total) => deps.emit?.('messaging.uploadProgress', { uploadId: req.uploadId, sent, total }),
        });
        return { message };
      } catch (err) {
        if (err instanceof AttachmentError && err.message === 'offline') throw new CoreError('network', 'Attachments need a connection to the server. Try again when online.');
        if (err instanceof AttachmentError && err.message === 'size') throw new CoreError('invalid_request', 'The file is too large to send.');
        if (err instanceof AttachmentError && (err.message === 'type' || err.message === 'not_allowed')) {
          throw new CoreError('not_allowed', 'Your organisation does not allow sending this kind of file.');
        }
        throw new CoreError('network', 'The attachment could not be uploaded. Try again.', { cause: err });
      }
    },
    'messaging.rooms': () => ({ rooms: need().engine.rooms() }),
    'messaging.joinRoom': async (req) => {
      const { engine } = need();
      try {
        await engine.joinRoom(req.room, req.nick);
      } catch (err) {
        throw new CoreError('network', 'The room could not be joined. Check the name and try again.', { cause: err });
      }
      const room = engine.rooms().find((r) => r.jid === bareJid(req.room));
      if (room === undefined) throw new CoreError('not_found', 'That room does not exist.');
      return { room };
    },
    'messaging.leaveRoom': (req) => {
      need().engine.leaveRoom(req.room);
      return {};
    },
    'messaging.roomMembers': (req) => ({ members: need().engine.members(req.room) }),
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
