import { createHash } from 'node:crypto';
import type { Store, StoredMessage } from '../store/store.ts';

/**
 * Message ids chosen by peers are theirs only within their conversation and sender. The store
 * keys messages by one global client id; an incoming message keeps its wire id there unless that
 * id is already taken by a message of another conversation, sender or direction (one of ours, or
 * another colleague's), in which case it is stored under a scoped id. So reusing a known id never
 * folds a message into someone else's row, and a receipt or marker can only find messages of the
 * conversation it arrived in.
 */
const scoped = (sender: string, wireId: string): string => `in:${senderTag(sender)}:${wireId}`;

/** A short fixed-length stand-in for the sender, so a scoped id stays within the contract's 256. */
const senderTag = (sender: string): string => createHash('sha256').update(sender).digest('base64url').slice(0, 16);

const isSame = (row: StoredMessage, conversationId: number, sender: string): boolean =>
  row.direction === 'in' && row.conversationId === conversationId && row.senderJid === sender;

/** The client id under which this peer's message is (or will be) stored. */
export function incomingClientId(store: Store, conversationId: number, sender: string, wireId: string): string {
  const own = scoped(sender, wireId);
  if (store.getMessageByClientId(own) !== null) return own;
  const row = store.getMessageByClientId(wireId);
  return row === null || isSame(row, conversationId, sender) ? wireId : own;
}

/** An incoming message of this conversation and sender by its wire id, or null. */
export function findIncoming(store: Store, conversationId: number, sender: string, wireId: string): StoredMessage | null {
  const row = store.getMessageByClientId(scoped(sender, wireId)) ?? store.getMessageByClientId(wireId);
  return row !== null && isSame(row, conversationId, sender) ? row : null;
}

/** The id the peer gave a stored incoming message (what receipts and markers must name). */
export function wireIdOf(message: StoredMessage): string {
  const prefix = scoped(message.senderJid, '');
  return message.direction === 'in' && message.clientId.startsWith(prefix) ? message.clientId.slice(prefix.length) : message.clientId;
}
