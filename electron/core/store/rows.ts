import type { Contact, Conversation, FailureReason, MessageDirection, MessagePriority, MessageState, StoredMessage } from './types.ts';

export interface ConversationRow {
  id: number;
  kind: Conversation['kind'];
  jid: string;
  title: string | null;
  last_activity: number;
  last_message_id: number | null;
  unread_count: number;
  muted: number;
  archived: number;
  pinned_at: number | null;
}

export interface MessageRow {
  id: number;
  client_id: string;
  server_id: string | null;
  conversation_id: number;
  sender_jid: string;
  body: string;
  sent_at: number;
  received_at: number | null;
  direction: MessageDirection;
  state: MessageState;
  priority: MessagePriority;
  patient_tag: string | null;
  edited_at: number | null;
  recalled_at: number | null;
  failure: FailureReason | null;
  reply_to: number | null;
  attachment_count: number;
}

export interface ContactRow {
  jid: string;
  display_name: string | null;
  presence: string | null;
  presence_at: number | null;
}

export const MESSAGE_COLUMNS = `m.id, m.client_id, m.server_id, m.conversation_id, m.sender_jid, m.body, m.sent_at,
  m.received_at, m.direction, m.state, m.priority, m.patient_tag, m.edited_at, m.recalled_at, m.failure, m.reply_to,
  (SELECT count(*) FROM attachments a WHERE a.message_id = m.id) AS attachment_count`;

export function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    kind: r.kind,
    jid: r.jid,
    title: r.title,
    lastActivity: r.last_activity,
    unreadCount: r.unread_count,
    muted: r.muted === 1,
    archived: r.archived === 1,
    pinned: r.pinned_at !== null,
  };
}

export function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    clientId: r.client_id,
    serverId: r.server_id,
    conversationId: r.conversation_id,
    senderJid: r.sender_jid,
    body: r.body,
    sentAt: r.sent_at,
    receivedAt: r.received_at,
    direction: r.direction,
    state: r.state,
    priority: r.priority,
    patientTag: r.patient_tag,
    editedAt: r.edited_at,
    recalledAt: r.recalled_at,
    failure: r.failure,
    replyToId: r.reply_to,
    attachmentCount: r.attachment_count,
  };
}

export function toContact(r: ContactRow): Contact {
  return { jid: r.jid, displayName: r.display_name, presence: r.presence, presenceAt: r.presence_at };
}
