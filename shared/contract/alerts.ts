import { z } from 'zod';
import { defineMethod } from './define.ts';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Jid = z.string().min(1).max(3071);
const Time = z.number().int().min(-8.64e15).max(8.64e15);

export const Acknowledgement = z.strictObject({ messageId: Id, by: Jid, at: Time });
export type Acknowledgement = z.infer<typeof Acknowledgement>;

/** An urgent message nobody has acknowledged yet (ids, sender and time: never its text). */
export const PendingUrgent = z.strictObject({ conversationId: Id, messageId: Id, senderJid: Jid, sentAt: Time });
export type PendingUrgent = z.infer<typeof PendingUrgent>;

/**
 * What a desktop notification for a message may show, decided in core by policy
 * `notificationContent` (none / sender / full; default none: no PHI). The renderer words it.
 */
export const NotificationContent = z.strictObject({
  show: z.boolean(),
  urgent: z.boolean(),
  /** The sender's name, only when policy allows it. */
  sender: z.string().max(1024).nullable(),
  /** The message text (shortened), only when policy allows it. */
  text: z.string().max(200).nullable(),
});
export type NotificationContent = z.infer<typeof NotificationContent>;

export const alertsMethods = {
  'urgent.acknowledge': defineMethod({
    request: z.strictObject({ messageId: Id }),
    response: z.strictObject({ at: Time }),
    access: 'phi',
    audit: { event: 'urgent.acknowledge' },
  }),
  'urgent.acknowledgements': defineMethod({
    request: z.strictObject({ conversationId: Id }),
    response: z.strictObject({ acknowledgements: z.array(Acknowledgement).max(2000) }),
    access: 'phi',
    audit: null,
  }),
  'urgent.pending': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({
      pending: z.array(PendingUrgent).max(100),
      /** How often the alert repeats its notification, and for how long after the message came. */
      repeatEveryMs: z.number().int().positive(),
      repeatForMs: z.number().int().positive(),
    }),
    access: 'phi',
    audit: null,
  }),
  'notifications.forMessage': defineMethod({
    request: z.strictObject({ messageId: Id }),
    response: NotificationContent,
    access: 'phi',
    audit: null,
  }),
};

export const alertsEvents = {
  /** Someone acknowledged an urgent message (ours; in a room, anyone's). */
  'urgent.acknowledged': z.strictObject({ conversationId: Id, messageId: Id }),
};
