import { z } from 'zod';
import { defineMethod } from './define.ts';

/** One quick reply: plain text with optional placeholders in braces ("Room {room} is ready"). */
export const QuickReply = z.string().trim().min(1).max(200);

export const quickRepliesMethods = {
  'quickReplies.list': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({
      /** Set by the organisation (managed configuration `quickReplies`); staff cannot change them. */
      organisation: z.array(QuickReply).max(30),
      /** The staff member's own, kept in their encrypted store. */
      personal: z.array(QuickReply).max(30),
    }),
    access: 'phi',
    audit: null,
  }),
  'quickReplies.savePersonal': defineMethod({
    request: z.strictObject({ personal: z.array(QuickReply).max(30) }),
    response: z.strictObject({}),
    access: 'phi',
    audit: null,
  }),
};

export const quickRepliesEvents = {};
