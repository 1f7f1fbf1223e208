import { z } from 'zod';
import { AUDIT_REFRESH_MS, defineMethod } from './define.ts';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Opaque keyset position produced by main; the renderer only hands it back. */
const Cursor = z.string().min(1).max(40);
const Jid = z.string().max(3071);
/** Epoch ms within what a Date can hold (a screen formatting anything else would throw). */
const Time = z.number().int().min(-8.64e15).max(8.64e15);

export const ConversationKind = z.enum(['direct', 'room']);
export const MessageState = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);
export const MessageDirection = z.enum(['in', 'out']);
export const MessagePriority = z.enum(['normal', 'urgent']);
/** Why a message failed, in words the screen translates: no such colleague, the server refused it, too large, another server error. */
export const FailureReason = z.enum(['no_such_recipient', 'refused', 'too_large', 'server_error']);
export type FailureReason = z.infer<typeof FailureReason>;

export const InboxEntry = z.strictObject({
  id: Id,
  kind: ConversationKind,
  jid: Jid,
  title: z.string().max(1024).nullable(),
  lastActivity: Time.nullable(),
  unreadCount: z.number().int().nonnegative(),
  muted: z.boolean(),
  archived: z.boolean(),
  /** Listed first, in the order pinned (issue 11). */
  pinned: z.boolean(),
  preview: z.string().max(1000).nullable(),
  /** The last message is an attachment: `preview` is then its file name, not the upload address. */
  previewIsAttachment: z.boolean().optional(),
  previewSenderJid: Jid.nullable(),
  previewDirection: MessageDirection.nullable(),
});
export type InboxEntry = z.infer<typeof InboxEntry>;

/** An attachment as the thread shows it: name, type and size (the content stays encrypted in main). */
export const AttachmentSummary = z.strictObject({
  id: Id,
  fileName: z.string().max(255),
  mime: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export type AttachmentSummary = z.infer<typeof AttachmentSummary>;

export const Message = z.strictObject({
  id: Id,
  clientId: z.string().max(256),
  serverId: z.string().max(256).nullable(),
  conversationId: Id,
  senderJid: Jid,
  body: z.string().max(100_000),
  sentAt: Time,
  receivedAt: Time.nullable(),
  direction: MessageDirection,
  state: MessageState,
  priority: MessagePriority,
  patientTag: z.string().max(256).nullable(),
  editedAt: Time.nullable(),
  recalledAt: Time.nullable(),
  /** Set on failed messages whose failure has a known reason. */
  failure: FailureReason.nullable().optional(),
  /** The message this one answers (its quote is the body's leading "> " lines). */
  replyToId: Id.nullable().optional(),
  attachmentCount: z.number().int().nonnegative(),
  /** Filled by messages.page; other answers may leave it out. */
  attachments: z.array(AttachmentSummary).max(20).optional(),
});
export type Message = z.infer<typeof Message>;

export const MessagePage = z.strictObject({
  messages: z.array(Message).max(200),
  olderCursor: Cursor.nullable(),
  newerCursor: Cursor.nullable(),
});
export type MessagePage = z.infer<typeof MessagePage>;

export const SearchHit = z.strictObject({
  messageId: Id,
  conversationId: Id,
  senderJid: Jid,
  sentAt: Time,
  /** Plain text; matches are wrapped in U+0002 … U+0003 for highlighting (never HTML). */
  snippet: z.string().max(4000),
  rank: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** A conversation's inbox preferences after a change: flags and counts only, never text. */
export const ConversationPrefs = z.strictObject({
  conversationId: Id,
  pinned: z.boolean(),
  muted: z.boolean(),
  unreadCount: z.number().int().nonnegative(),
});
export type ConversationPrefs = z.infer<typeof ConversationPrefs>;

/*
 * Pin, mute and "mark unread" are how one person arranges their own inbox: they show no message,
 * name or file and send nothing to anyone, so, like the notifications.* decisions, they are not
 * audited (an audit record per pin would bury the PHI accesses the trail exists for). They still
 * need an unlocked profile ('phi'), since the flags live in its encrypted store.
 */
const prefsRequest = <T extends z.ZodRawShape>(extra: T) => z.strictObject({ conversationId: Id, ...extra });

const conversationPrefsMethods = {
  'conversations.pin': defineMethod({
    request: prefsRequest({ pinned: z.boolean() }),
    response: ConversationPrefs,
    access: 'phi',
    audit: null,
  }),
  /** A muted conversation raises no notification or sound and leaves the window title's count; its own badge stays. */
  'conversations.mute': defineMethod({
    request: prefsRequest({ muted: z.boolean() }),
    response: ConversationPrefs,
    access: 'phi',
    audit: null,
  }),
  /** The newest incoming message becomes unread again: bold row, badge and the "new messages" line. */
  'conversations.markUnread': defineMethod({
    request: prefsRequest({}),
    response: ConversationPrefs,
    access: 'phi',
    audit: null,
  }),
};

export const conversationsMethods = {
  ...conversationPrefsMethods,
  'conversations.inbox': defineMethod({
    request: z.strictObject({
      limit: z.number().int().min(1).max(200).optional(),
      before: Cursor.optional(),
      includeArchived: z.boolean().optional(),
    }),
    response: z.strictObject({ entries: z.array(InboxEntry).max(200), nextCursor: Cursor.nullable() }),
    access: 'phi',
    audit: { event: 'conversation.list', refreshMs: AUDIT_REFRESH_MS },
  }),
  /**
   * A person opens a conversation: its newest page. Audited on every call (what a person did);
   * the screen asks once per opening and keeps the page current from message events.
   */
  'conversations.open': defineMethod({
    request: z.strictObject({
      conversationId: Id,
      limit: z.number().int().min(1).max(200).optional(),
      /** Opened from a search hit: the page around this message instead of the newest. */
      around: Id.optional(),
    }),
    response: MessagePage,
    access: 'phi',
    audit: { event: 'conversation.open' },
  }),
  /** Older (or newer) pages of an open conversation while the person scrolls: part of the same opening. */
  'messages.page': defineMethod({
    request: z.strictObject({
      conversationId: Id,
      before: Cursor.optional(),
      after: Cursor.optional(),
      limit: z.number().int().min(1).max(200).optional(),
    }),
    response: MessagePage,
    access: 'phi',
    audit: { event: 'conversation.open', refreshMs: AUDIT_REFRESH_MS },
  }),
  'messages.search': defineMethod({
    request: z.strictObject({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(100).optional() }),
    response: z.strictObject({ hits: z.array(SearchHit).max(100) }),
    access: 'phi',
    audit: { event: 'search' },
  }),
  'conversations.markRead': defineMethod({
    request: z.strictObject({ conversationId: Id, upToMessageId: Id }),
    response: z.strictObject({ unreadCount: z.number().int().nonnegative() }),
    access: 'phi',
    audit: { event: 'conversation.read', refreshMs: AUDIT_REFRESH_MS },
  }),
};

export const conversationsEvents = {};
