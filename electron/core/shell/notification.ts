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
export function notificationFor(name: EventName, payload: unknown, policy: Pick<Policy, 'kiosk'>, windowFocused: boolean): NotificationText | null {
  if (name === 'patients.replied' && !windowFocused && !policy.kiosk) return { title: 'Sealwire', body: 'New patient reply', urgent: false };
  if (name !== 'messaging.incoming' || windowFocused || policy.kiosk) return null;
  const event = payload as { direction?: unknown; priority?: unknown };
  if (event.direction !== 'in') return null;
  const urgent = event.priority === 'urgent';
  return { title: 'Sealwire', body: urgent ? 'New urgent message' : 'New message', urgent };
}
