import type { EventName, Policy } from '../../../shared/contract/index.ts';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
  readonly urgent: boolean;
}

/**
 * The desktop notification for a core event, or null. Built only from the event's ids and flags,
 * never from message content: a notification is seen by whoever stands at the screen. The sender is
 * not named either (policy `notificationShowsSender` only ever tightens to false by default).
 */
export function notificationFor(
  name: EventName,
  payload: unknown,
  policy: Pick<Policy, 'kiosk'>,
  windowFocused: boolean,
  isPatientConversation: (conversationId: number) => boolean = () => false,
): NotificationText | null {
  if (name === 'patients.replied' && !windowFocused && !policy.kiosk) return { title: 'Sealwire', body: 'New patient reply', urgent: false };
  if (name !== 'messaging.incoming' || windowFocused || policy.kiosk) return null;
  const event = payload as { conversationId?: unknown; direction?: unknown; priority?: unknown };
  if (event.direction !== 'in') return null;
  // A patient's reply is one room message that also raises patients.replied: that one speaks for
  // it, so the patient room's own message stays silent (one notification per reply, not two).
  if (typeof event.conversationId === 'number' && isPatientConversation(event.conversationId)) return null;
  const urgent = event.priority === 'urgent';
  return { title: 'Sealwire', body: urgent ? 'New urgent message' : 'New message', urgent };
}

/** What a notification about one message may carry, by policy (the renderer words it in its language). */
export interface NotificationDecision {
  readonly show: boolean;
  readonly urgent: boolean;
  readonly sender: string | null;
  readonly text: string | null;
}

const SHOWN_TEXT = 120;

/**
 * The one decision for a message's notification, used by the renderer's notifications (demo and
 * desktop): policy `notificationContent` says none / sender / full, and the older
 * `notificationShowsSender` must allow it too (the strictest wins; by default neither is shown).
 * Kiosks never notify; our own and recalled messages never do.
 */
export function notificationContentFor(
  message: { direction: 'in' | 'out'; priority: 'normal' | 'urgent'; body: string; recalledAt: number | null; attachmentCount: number },
  senderName: string,
  policy: Pick<Policy, 'kiosk' | 'notificationContent' | 'notificationShowsSender'>,
): NotificationDecision {
  const urgent = message.priority === 'urgent';
  if (message.direction !== 'in' || message.recalledAt !== null || policy.kiosk) return { show: false, urgent, sender: null, text: null };
  const sender = policy.notificationShowsSender && policy.notificationContent !== 'none' ? senderName : null;
  const full = sender !== null && policy.notificationContent === 'full' && message.attachmentCount === 0;
  const text = full ? (message.body.length > SHOWN_TEXT ? `${message.body.slice(0, SHOWN_TEXT - 1)}…` : message.body) : null;
  return { show: true, urgent, sender, text };
}
