import { z } from 'zod';
import { InboxEntry, Message, MessageDirection, MessagePriority, MessageState } from './conversations.ts';
import { AUDIT_REFRESH_MS, defineMethod } from './define.ts';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const Jid = z.string().min(3).max(3071);

/**
 * offline / connecting / online / reconnecting, and three stopped states that need someone to act:
 * auth_failed (password changed), cert_failed (untrusted or mis-pinned certificate),
 * insecure_server (no TLS, or only PLAIN while policy forbids it).
 */
export const ConnectionState = z.enum(['offline', 'connecting', 'online', 'reconnecting', 'auth_failed', 'cert_failed', 'insecure_server']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const MessagingStatus = z.strictObject({
  state: ConnectionState,
  /** Our bare JID, null while no staff member is signed in. */
  account: Jid.nullable(),
  /** Messages written but not yet acknowledged by the server. */
  outbox: z.number().int().nonnegative(),
  /**
   * The server's message archive (history sync): 'missing' when the server does not offer one or
   * refuses our queries (tell IT: archiving is off), 'unknown' until the first sync has run.
   */
  archive: z.enum(['unknown', 'ok', 'missing']).optional(),
});
export type MessagingStatus = z.infer<typeof MessagingStatus>;

export const DirectoryEntry = z.strictObject({
  jid: Jid,
  displayName: z.string().max(1024).nullable(),
  presence: z.string().max(40).nullable(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export const RoomInfo = z.strictObject({ jid: Jid, nick: z.string().min(1).max(100), joined: z.boolean() });
export type RoomInfo = z.infer<typeof RoomInfo>;

export const RoomMember = z.strictObject({
  nick: z.string().max(1023),
  jid: Jid.nullable(),
  role: z.string().max(40).nullable(),
  /** Owner, admin or member of a members-only room (null: present without one, or not known). */
  affiliation: z.enum(['owner', 'admin', 'member']).nullable().optional(),
  /** In the room right now. */
  present: z.boolean().optional(),
});
export type RoomMember = z.infer<typeof RoomMember>;

/** Attachments cross IPC as base64; 25 MB of file at most through this path. */
export const MAX_ATTACHMENT_IPC_BYTES = 25 * 1024 * 1024;

export const messagingMethods = {
  'messaging.state': defineMethod({
    request: z.strictObject({}),
    response: MessagingStatus,
    access: 'public',
    audit: null,
  }),
  'messaging.send': defineMethod({
    request: z.strictObject({
      to: Jid,
      body: z.string().min(1).max(10_000),
      priority: MessagePriority.optional(),
      patientTag: z.string().min(1).max(100).nullable().optional(),
      /** Answer this message (same conversation): its quote goes before the text (XEP-0461). */
      replyToId: Id.optional(),
    }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'message.send' },
  }),
  /** Correct one's own sent 1:1 message within 24 hours (XEP-0308). */
  'messaging.edit': defineMethod({
    request: z.strictObject({ messageId: Id, body: z.string().min(1).max(10_000) }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'message.edit' },
  }),
  /** Withdraw one's own 1:1 message within 24 hours (XEP-0424): its text and files go, here and at the recipient. */
  'messaging.recall': defineMethod({
    request: z.strictObject({ messageId: Id }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'message.recall' },
  }),
  /** Send a failed message again under its own id. */
  'messaging.retry': defineMethod({
    request: z.strictObject({ messageId: Id }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'message.send' },
  }),
  /** Forward a message's text or file to a colleague or room of the organisation (never outside it). */
  'messaging.forward': defineMethod({
    request: z.strictObject({ messageId: Id, to: Jid }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'message.send' },
  }),
  /**
   * Copy a message's text. The desktop app puts it on the clipboard in main and clears it after
   * policy `clipboardClearSeconds` if it is still there ('clipboard'); the development bridge has
   * no clipboard of its own, so the page copies the text it is handed and clears it itself.
   */
  'messaging.copy': defineMethod({
    request: z.strictObject({ messageId: Id }),
    response: z.discriminatedUnion('copied', [
      z.strictObject({ copied: z.literal('clipboard'), clearAfterSeconds: z.number().int().positive() }),
      z.strictObject({ copied: z.literal('page'), text: z.string().max(100_000), clearAfterSeconds: z.number().int().positive() }),
    ]),
    access: 'phi',
    audit: { event: 'message.copy' },
  }),
  'messaging.directory': defineMethod({
    request: z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
    response: z.strictObject({ entries: z.array(DirectoryEntry).max(1000) }),
    access: 'phi',
    audit: null,
  }),
  'messaging.sendAttachment': defineMethod({
    request: z.strictObject({
      to: Jid,
      /** Chosen by the renderer so it can match `messaging.uploadProgress` events to this call. */
      uploadId: z.string().min(1).max(64),
      fileName: z.string().min(1).max(255),
      mime: z.string().min(3).max(127).regex(/^[\w.+-]+\/[\w.+-]+$/),
      dataBase64: z.string().min(1).max(Math.ceil(MAX_ATTACHMENT_IPC_BYTES / 3) * 4),
      priority: MessagePriority.optional(),
      patientTag: z.string().min(1).max(100).nullable().optional(),
    }),
    response: z.strictObject({ message: Message }),
    access: 'phi',
    audit: { event: 'attachment.send' },
  }),
  'messaging.rooms': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({ rooms: z.array(RoomInfo).max(500) }),
    access: 'phi',
    audit: null,
  }),
  'messaging.joinRoom': defineMethod({
    request: z.strictObject({ room: Jid, nick: z.string().min(1).max(100) }),
    response: z.strictObject({ room: RoomInfo }),
    access: 'phi',
    audit: { event: 'room.join' },
  }),
  'messaging.leaveRoom': defineMethod({
    request: z.strictObject({ room: Jid }),
    response: z.strictObject({}),
    access: 'phi',
    audit: { event: 'room.leave' },
  }),
  'messaging.createRoom': defineMethod({
    request: z.strictObject({ name: z.string().trim().min(1).max(100), members: z.array(Jid).max(100) }),
    response: z.strictObject({ room: RoomInfo, conversationId: Id }),
    access: 'phi',
    audit: { event: 'room.create' },
  }),
  'messaging.inviteToRoom': defineMethod({
    request: z.strictObject({ room: Jid, member: Jid }),
    response: z.strictObject({}),
    access: 'phi',
    audit: { event: 'room.invite' },
  }),
  'messaging.removeFromRoom': defineMethod({
    request: z.strictObject({ room: Jid, member: Jid }),
    response: z.strictObject({}),
    access: 'phi',
    audit: { event: 'room.remove' },
  }),
  'messaging.roomMembers': defineMethod({
    request: z.strictObject({ room: Jid }),
    response: z.strictObject({ members: z.array(RoomMember).max(5000) }),
    access: 'phi',
    audit: null,
  }),
  'messaging.markRead': defineMethod({
    request: z.strictObject({ conversationId: Id, upToMessageId: Id }),
    response: z.strictObject({ newlyRead: z.number().int().nonnegative(), unreadCount: z.number().int().nonnegative() }),
    access: 'phi',
    audit: { event: 'conversation.read', refreshMs: AUDIT_REFRESH_MS },
  }),
};

/**
 * Message events carry what the screens show (the message and its conversation's inbox row), so a
 * screen updates in place instead of asking again through audited calls: receiving a message is
 * not a person looking at anything. They are pushed only while a staff member's session is
 * unlocked (messaging runs only then, and account/messaging-events.ts checks again); `message`
 * and `inbox` are left out when a stored row fails the contract, and the screens then ask.
 */
export const messagingEvents = {
  'messaging.connection': z.strictObject({ state: ConnectionState }),
  'messaging.incoming': z.strictObject({
    conversationId: Id,
    messageId: Id,
    direction: MessageDirection,
    priority: MessagePriority,
    message: Message.optional(),
    inbox: InboxEntry.optional(),
  }),
  'messaging.messageState': z.strictObject({
    conversationId: Id,
    messageId: Id,
    state: MessageState,
    message: Message.optional(),
    inbox: InboxEntry.optional(),
  }),
  /** Our rooms changed (joined, left, named, removed by a room): ask for the list and the inbox again. */
  'messaging.roomsChanged': z.strictObject({}),
  'messaging.uploadProgress': z.strictObject({
    uploadId: z.string().min(1).max(64),
    sent: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
};
