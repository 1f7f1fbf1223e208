import type { messagingMethods } from '../../../../shared/contract/messaging.ts';
import { CoreError } from '../../errors.ts';
import { AmendError } from '../../messaging/amendments.ts';
import { AttachmentError, type MessagingEngine } from '../../messaging/engine.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

type Actions = 'messaging.edit' | 'messaging.recall' | 'messaging.retry' | 'messaging.forward' | 'messaging.copy';

const AMEND_ERRORS: Record<AmendError['reason'], () => CoreError> = {
  not_own: () => new CoreError('not_allowed', 'Only the sender can change a message.'),
  recalled: () => new CoreError('not_found', 'That message was withdrawn.'),
  too_old: () => new CoreError('not_allowed', 'Messages can be changed for 24 hours after they were sent.'),
  not_sent: () => new CoreError('conflict', 'That message has not been sent yet.'),
  offline: () => new CoreError('network', 'Changing a message needs a connection to the server. Try again when online.'),
  attachment: () => new CoreError('not_allowed', 'A file cannot be edited; withdraw it and send another.'),
};

const amend = <T>(run: () => T): T => {
  try {
    return run();
  } catch (err) {
    if (err instanceof AmendError) throw AMEND_ERRORS[err.reason]();
    throw err;
  }
};

/** The message actions (edit, recall, retry, forward, copy): each on our own store's message, by id. */
export function messageActionHandlers(
  need: () => { engine: MessagingEngine; store: Store },
  deps: { clipboardClearSeconds?: () => number; clipboard?: (text: string, clearAfterSeconds: number) => void },
): HandlersFor<Pick<typeof messagingMethods, Actions>> {
  return {
    'messaging.edit': ({ messageId, body }) => ({ message: amend(() => need().engine.edit(messageId, body)) }),
    'messaging.recall': ({ messageId }) => ({ message: amend(() => need().engine.recall(messageId)) }),
    'messaging.retry': ({ messageId }) => {
      const message = need().engine.retry(messageId);
      if (message === null) throw new CoreError('not_found', 'That message cannot be sent again.');
      return { message };
    },
    'messaging.forward': async ({ messageId, to }) => {
      try {
        return { message: await need().engine.forward(messageId, to) };
      } catch (err) {
        if (err instanceof AttachmentError && err.message === 'outside') throw new CoreError('not_allowed', 'Messages can be forwarded only within your organisation.');
        if (err instanceof AttachmentError) throw new CoreError('not_found', 'That message cannot be forwarded.');
        throw err;
      }
    },
    'messaging.copy': ({ messageId }) => {
      const message = need().store.getMessage(messageId);
      if (message === null || message.recalledAt !== null || message.attachmentCount > 0) throw new CoreError('not_found', 'That message cannot be copied.');
      const clearAfterSeconds = deps.clipboardClearSeconds?.() ?? 60;
      if (deps.clipboard === undefined) return { copied: 'page', text: message.body, clearAfterSeconds };
      deps.clipboard(message.body, clearAfterSeconds);
      return { copied: 'clipboard', clearAfterSeconds };
    },
  };
}
