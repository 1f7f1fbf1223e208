import type { alertsMethods } from '../../../../shared/contract/alerts.ts';
import type { Policy } from '../../../../shared/contract/index.ts';
import { CoreError } from '../../errors.ts';
import type { MessagingEngine } from '../../messaging/engine.ts';
import { notificationContentFor } from '../../shell/notification.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

/** The in-app alert stays for unacknowledged urgent messages of the last 12 hours (a working day). */
const PENDING_WINDOW_MS = 12 * 60 * 60_000;

export interface AlertsHandlerDeps {
  current(): { engine: MessagingEngine; store: Store } | null;
  policy(): Pick<Policy, 'kiosk' | 'notificationContent' | 'notificationShowsSender' | 'urgentRepeatMinutes' | 'urgentRepeatForMinutes'>;
  now(): number;
}

/** urgent.* and notifications.*: acknowledging urgent messages, the alerts they raise, and what a notification may say. */
export function alertsHandlers(deps: AlertsHandlerDeps): HandlersFor<typeof alertsMethods> {
  const need = () => {
    const c = deps.current();
    if (c === null) throw new CoreError('locked', 'Sign in to use messaging.');
    return c;
  };
  return {
    'urgent.acknowledge': (req) => {
      const done = need().engine.acknowledge(req.messageId);
      if (done === null) throw new CoreError('not_found', 'That is not an urgent message you received.');
      return done;
    },
    'urgent.acknowledgements': (req) => ({
      acknowledgements: need()
        .store.acknowledgementsIn(req.conversationId)
        .map((a) => ({ messageId: a.messageId, by: a.byJid, at: a.at })),
    }),
    'urgent.pending': () => ({
      pending: need().store.pendingUrgent(deps.now() - PENDING_WINDOW_MS, 100),
      // Policy keys urgentRepeatMinutes / urgentRepeatForMinutes (defaults 2 and 20, issue 11).
      repeatEveryMs: deps.policy().urgentRepeatMinutes * 60_000,
      repeatForMs: deps.policy().urgentRepeatForMinutes * 60_000,
    }),
    'notifications.forMessage': (req) => {
      const { store } = need();
      const message = store.getMessage(req.messageId);
      if (message === null) throw new CoreError('not_found', 'That message does not exist.');
      const conversation = store.getConversation(message.conversationId);
      const slash = message.senderJid.indexOf('/');
      // A room member by the nick the room gave them; a colleague by their directory name.
      const name =
        conversation?.kind === 'room' && slash > 0
          ? message.senderJid.slice(slash + 1)
          : (store.getContact(message.senderJid)?.displayName ?? message.senderJid.split('@')[0] ?? '');
      const decision = notificationContentFor(message, name, deps.policy());
      // A muted conversation stays quiet, unless the message is urgent.
      return conversation?.muted && !decision.urgent ? { ...decision, show: false } : decision;
    },
  };
}
