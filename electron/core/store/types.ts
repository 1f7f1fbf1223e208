/**
 * The store's types: a leaf module (imports nothing of the store's own), so the store's files and
 * its callers share them without importing each other in a circle. All times are Unix epoch
 * milliseconds; ids are SQLite rowids (positive integers).
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../log/logger.ts';
import type { FormatMigrationEvent } from '../sqlite/encrypted-db.ts';

export type ConversationKind = 'direct' | 'room';
export type MessageState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type MessageDirection = 'in' | 'out';
export type MessagePriority = 'normal' | 'urgent';
/** Why a message failed, from the server's final error (see messaging/xmpp-failure-reason.ts). */
export type FailureReason = 'no_such_recipient' | 'refused' | 'too_large' | 'server_error';

export interface OpenStoreOptions {
  /** Path of the SQLite file (its -wal/-shm siblings live next to it). */
  readonly file: string;
  /** The raw 32-byte database key (raw page key: no KDF at open). */
  readonly key: Buffer;
  /** Create the file if it does not exist (default false: a missing file is 'not_found'). */
  readonly create?: boolean;
  /**
   * Set when the key comes from an authenticated unwrap (the vault's AES-GCM key file), so a key
   * that fails to decrypt page 1 means the file is damaged, not that the key is wrong.
   * Default false: page 1 failing to decrypt is reported as 'wrong_password'.
   */
  readonly keyVerified?: boolean;
  /** Folder for encrypted attachment blobs; default `<dir of file>/attachments`. */
  readonly attachmentsDir?: string;
  readonly log?: Logger;
  /** Clock for received_at defaults and retention; tests inject one. */
  readonly now?: () => number;
  /**
   * Told before and after an older page format is converted in place (first open after an
   * update): the composition audits it and tells the person "updating your messages".
   */
  readonly onFormatMigration?: (event: FormatMigrationEvent) => void;
}

export interface Conversation {
  readonly id: number;
  readonly kind: ConversationKind;
  /** Peer bare JID for 'direct', room bare JID for 'room'. */
  readonly jid: string;
  readonly title: string | null;
  readonly lastActivity: number | null;
  readonly unreadCount: number;
  readonly muted: boolean;
  readonly archived: boolean;
  /** Pinned conversations list first, in the order they were pinned. */
  readonly pinned: boolean;
}

export interface InboxEntry extends Conversation {
  /** Body of the newest message, truncated to PREVIEW_CHARS; null when empty or recalled. */
  readonly preview: string | null;
  readonly previewSenderJid: string | null;
  readonly previewDirection: MessageDirection | null;
}

export interface InboxPage {
  readonly entries: InboxEntry[];
  /** Pass as `before` to get the next (older) page; null when there is none. */
  readonly nextCursor: string | null;
}

export interface Contact {
  readonly jid: string;
  readonly displayName: string | null;
  readonly presence: string | null;
  readonly presenceAt: number | null;
}

export interface NewMessage {
  /** Our id for the message (origin-id / message id): unique across the store. */
  readonly clientId: string;
  /** The server's stanza-id (XEP-0359) when known; unique per conversation. */
  readonly serverId?: string | null;
  readonly conversationId: number;
  readonly senderJid: string;
  readonly body: string;
  readonly sentAt: number;
  /** Defaults to now for incoming messages, null for outgoing. */
  readonly receivedAt?: number | null;
  readonly direction: MessageDirection;
  /** Default 'queued' for outgoing, 'delivered' for incoming. */
  readonly state?: MessageState;
  readonly priority?: MessagePriority;
  readonly patientTag?: string | null;
  /** The local id of the message this one answers (XEP-0461). */
  readonly replyToId?: number | null;
}

export interface StoredMessage {
  readonly id: number;
  readonly clientId: string;
  readonly serverId: string | null;
  readonly conversationId: number;
  readonly senderJid: string;
  /** Empty string once recalled. */
  readonly body: string;
  readonly sentAt: number;
  readonly receivedAt: number | null;
  readonly direction: MessageDirection;
  readonly state: MessageState;
  readonly priority: MessagePriority;
  readonly patientTag: string | null;
  readonly editedAt: number | null;
  readonly recalledAt: number | null;
  /** Why a failed message failed (null otherwise, and for failures recorded before reasons were kept). */
  readonly failure: FailureReason | null;
  /** The local id of the message this one answers, if any. */
  readonly replyToId: number | null;
  readonly attachmentCount: number;
}

export interface InsertResult {
  readonly id: number;
  /** False when the message was already stored (same client id or same server id): folded into that row. */
  readonly inserted: boolean;
}

export interface PageQuery {
  /** Cursor from a previous page: messages strictly older than it. */
  readonly before?: string;
  /** Cursor from a previous page: messages strictly newer than it. */
  readonly after?: string;
  /** 1..200, default 50. */
  readonly limit?: number;
}

export interface MessagePage {
  /** Oldest first. */
  readonly messages: StoredMessage[];
  /** Cursor for older messages (pass as `before`), null when none are older. */
  readonly olderCursor: string | null;
  /** Cursor for newer messages (pass as `after`), null when none are newer. */
  readonly newerCursor: string | null;
}

export interface SearchHit {
  readonly messageId: number;
  readonly conversationId: number;
  readonly senderJid: string;
  readonly sentAt: number;
  /** The best stretch of the text with matches wrapped in SNIPPET_OPEN/SNIPPET_CLOSE markers (plain text, not HTML). */
  readonly snippet: string;
  /** Negated BM25-style score within the search window; lower is better. */
  readonly rank: number;
}

export interface MarkReadResult {
  /** Incoming messages that became 'read' (the ids, for sending read markers). */
  readonly newlyRead: number;
  readonly unreadCount: number;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly message: StoredMessage;
}

export interface PurgeResult {
  readonly messages: number;
  readonly attachments: number;
}

export interface AttachmentInput {
  readonly messageId: number;
  readonly fileName: string;
  readonly mime: string;
  /** Plaintext source: a Buffer or a stream (streamed and encrypted chunk by chunk). */
  readonly data: Buffer | Readable;
}

export interface AttachmentMeta {
  readonly id: number;
  readonly messageId: number;
  readonly fileName: string;
  readonly mime: string;
  readonly size: number;
  /** Hex SHA-256 of the plaintext. */
  readonly sha256: string;
}

export interface StoreAttachments {
  add(input: AttachmentInput): Promise<AttachmentMeta>;
  get(id: number): AttachmentMeta | null;
  list(messageId: number): AttachmentMeta[];
  /** Whole plaintext, verified (every chunk authenticated and the SHA-256 matched) before returning. */
  read(id: number): Promise<Buffer>;
  /** Plaintext stream; each chunk is emitted only after it authenticates; errors on tampering/truncation. */
  open(id: number): Readable;
  /** Overwrite then unlink the blob, delete the row. */
  remove(id: number): Promise<void>;
}

/**
 * See Store.openBatch. `commit` throws if the commit fails (everything in it is then gone);
 * otherwise its writes are visible and survive the process being killed at once, and the promise
 * resolves once they are also on disk (fsync'd, off the event loop) or rejects if that fails.
 */
export interface OpenBatch {
  commit(): Promise<void>;
  rollback(): void;
}

export interface Store {
  readonly file: string;
  readonly attachments: StoreAttachments;

  /**
   * Group commit: runs `fn` (synchronous only) as ONE transaction, so everything it writes costs
   * one fsync'd commit instead of one each. Re-entrant: inside a batch, a batch just runs `fn`
   * (its writes commit or roll back with the outer one). If `fn` throws, nothing it wrote stays.
   * Methods that open their own transaction become savepoints inside a batch.
   */
  batch<T>(fn: () => T): T;
  /**
   * A batch left open across turns of the event loop (the messaging engine's group commit): every
   * write until `commit` joins it, and `batch` inside it is a savepoint. Only when no batch is open.
   */
  openBatch(): OpenBatch;
  /** True while a batch (or any transaction) is open: writes made now are not yet durable. */
  readonly inBatch: boolean;

  // Conversations and contacts
  /** Find by (kind, jid) or create; title updates only when given. */
  ensureConversation(input: { kind: ConversationKind; jid: string; title?: string | null }): Conversation;
  getConversation(id: number): Conversation | null;
  findConversation(kind: ConversationKind, jid: string): Conversation | null;
  /** Throws CoreError('too_many_pins') when pinning one more than MAX_PINNED. */
  setConversationFlags(id: number, flags: { muted?: boolean; archived?: boolean; pinned?: boolean; title?: string | null }): void;
  /** Record that `byJid` acknowledged an urgent message; false when already recorded. */
  addAcknowledgement(messageId: number, byJid: string, at: number): boolean;
  /** Every acknowledgement of a conversation's messages, oldest first. */
  acknowledgementsIn(conversationId: number): Array<{ messageId: number; byJid: string; at: number }>;
  /** Incoming urgent messages sent since `since` that nobody has acknowledged (not recalled), oldest first. */
  pendingUrgent(since: number, limit: number): Array<{ conversationId: number; messageId: number; senderJid: string; sentAt: number }>;
  /** Pinned conversations first (in pin order, on the first page), then by last activity, newest first (archived excluded unless asked). */
  inbox(opts?: { limit?: number; before?: string; includeArchived?: boolean }): InboxPage;
  /** One conversation's inbox row (archived or not), or null: what a message event carries to the screen. */
  inboxEntry(id: number): InboxEntry | null;
  upsertContact(contact: { jid: string; displayName?: string | null; presence?: string | null; presenceAt?: number | null }): void;
  getContact(jid: string): Contact | null;
  listContacts(limit?: number): Contact[];

  // Messages
  /** Idempotent by client id and by (conversation, server id): duplicates fold into one row. */
  insertMessage(message: NewMessage): InsertResult;
  /** Many messages in one transaction (a MAM page, a sync burst); same folding rules, results in order. */
  insertMessages(messages: readonly NewMessage[]): InsertResult[];
  getMessage(id: number): StoredMessage | null;
  getMessageByClientId(clientId: string): StoredMessage | null;
  getMessageByServerId(conversationId: number, serverId: string): StoredMessage | null;
  /** Attach the server's stanza-id to one of our messages (no-op if it already has one). */
  setServerId(clientId: string, serverId: string): void;
  /** Moves forward only (queued→sent→delivered→read; queued→failed); returns whether it changed. */
  advanceState(clientId: string, state: MessageState): boolean;
  /**
   * Client ids of our messages in a conversation, older than `messageId`, that the server has but the
   * peer has not marked read (a read marker for a message means everything before it was seen too).
   */
  sentUnreadBefore(conversationId: number, messageId: number, limit?: number): string[];
  /**
   * Client ids of our messages in a conversation sent at or after `since` that the server took but
   * the peer never confirmed (state 'sent': no receipt), oldest first.
   */
  sentWithoutReceipt(conversationId: number, since: number, limit?: number): string[];
  editMessage(clientId: string, body: string, editedAt: number): boolean;
  /** Clears the body (and its search index entry) and marks it recalled. */
  recallMessage(clientId: string, recalledAt: number): boolean;
  messagesPage(conversationId: number, query?: PageQuery): MessagePage;
  /**
   * Every word must match (the last as a prefix when it has 4+ characters); results ranked by
   * BM25's term-frequency and length formula among the 1,000 most recently stored matches
   * (SEARCH_WINDOW), best first; a patient tag typed as written (from 4 characters) finds the
   * messages carrying it, first.
   * 1..100 hits, default 20.
   */
  search(query: string, limit?: number): SearchHit[];
  /** Marks incoming messages up to and including `upToMessageId` read (never regresses). */
  markRead(conversationId: number, upToMessageId: number): MarkReadResult;
  /** "Mark unread": the newest incoming message becomes unread again (badge, bold, "new messages" line); the new unread count. */
  markUnread(conversationId: number): number;

  // Outbox: the message row and the outbox row are written in one transaction BEFORE sending.
  enqueueOutgoing(message: Omit<NewMessage, 'direction' | 'state' | 'receivedAt'>): InsertResult & { seq: number };
  /** Entries due at `now` in enqueue order. */
  outboxDue(now?: number, limit?: number): OutboxEntry[];
  outboxSize(): number;
  /** Server acknowledged: drop from outbox, state 'sent' (forward only), record the stanza-id if given. */
  outboxAck(clientId: string, serverId?: string | null): boolean;
  /** A send attempt failed; try again at nextAttemptAt. */
  outboxRetryLater(clientId: string, nextAttemptAt: number): void;
  /** Give up: drop from outbox, state 'failed', with the reason when known. */
  outboxGiveUp(clientId: string, failure?: FailureReason): void;
  /** Put a failed message back in the outbox (state queued, its failure reason cleared). */
  requeue(clientId: string): boolean;

  // Settings and sync state (values are strings; callers JSON-encode structures)
  getSetting(key: string): string | null;
  setSetting(key: string, value: string): void;
  deleteSetting(key: string): void;
  getSyncState(archive: string): string | null;
  setSyncState(archive: string, lastStanzaId: string): void;

  // Maintenance
  /** Delete messages (their search entries and attachment blobs too) sent before now - days. */
  purge(olderThanDays: number): Promise<PurgeResult>;
  /** Re-encrypt the database under a new raw 32-byte key. */
  rekey(newKey: Buffer): void;
  /** Merge the full-text index into one segment and refresh planner statistics (idle/after purge). */
  optimize(): void;
  /** PRAGMA integrity_check: ['ok'] when healthy. */
  integrityCheck(): string[];
  /** Checkpoint (TRUNCATE) and close; idempotent. */
  close(): void;
  readonly isOpen: boolean;
}
