import type { MessageState, StoredMessage } from '../store/store.ts';
import type { ConnectionManager, ConnectionState } from './manager.ts';
import type { AdminAction, Priority } from '../../../node-shared/xmpp/stanzas.ts';
import type { Logger } from '../log/logger.ts';
import type { Store } from '../store/store.ts';

/** The engine's public types, in a leaf module so the feature modules can share them. */
export interface MessageStateChange {
  readonly messageId: number;
  readonly clientId: string;
  readonly conversationId: number;
  readonly state: MessageState;
}

export interface AdminCommandEvent {
  readonly action: AdminAction;
  readonly commandId: string;
  readonly from: string;
}

/** Why the inbound boundary refused a stanza (stable names: they are audited). */
export type RejectReason =
  | 'archive-unsolicited'
  | 'archive-wrong-source'
  | 'archive-foreign-message'
  | 'forged-carbon'
  | 'forwarded'
  | 'room-private'
  | 'headline'
  | 'receipt-not-peer'
  | 'marker-not-peer'
  /** A lock, wipe or policy command from an address that is not one of the organisation's admins. */
  | 'admin-not-admin';

/** What the audit hook learns about a refused stanza: the reason and the stanza's own id, nothing else. */
export interface RejectedStanza {
  readonly reason: RejectReason;
  readonly id: string | null;
}

export interface MessagingEngineOptions {
  readonly manager: ConnectionManager;
  readonly store: Store;
  readonly log: Logger;
  /** Bare JIDs whose admin commands are obeyed; anything else is ignored and logged. */
  readonly adminJids?: readonly string[];
  /** Runs an accepted admin command; its outcome is acknowledged to the sender. */
  readonly onAdminCommand?: (command: AdminCommandEvent) => void | Promise<void>;
  /** Every stanza the inbound boundary refuses (the composition audits it as `messaging.rejected`). */
  readonly onRejected?: (event: RejectedStanza) => void;
  readonly mamPageSize?: number;
  /** The organisation's controls, read at each use (policy changes apply live); unset: all allowed. */
  readonly controls?: () => MessagingControls;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** What policy lets the engine send and accept. */
export interface MessagingControls {
  readonly attachmentsAllowed: boolean;
  /** MIME types accepted on send and receive; null accepts any. */
  readonly attachmentTypes: readonly string[] | null;
  readonly attachmentMaxBytes: number;
  /** Read markers (XEP-0333 displayed) sent to the peer; delivery receipts are not optional. */
  readonly readReceipts: boolean;
  /** Colleagues' presence recorded and shown. */
  readonly presence: boolean;
}

export const ALL_CONTROLS_ON: MessagingControls = {
  attachmentsAllowed: true,
  attachmentTypes: null,
  attachmentMaxBytes: 100 * 1024 * 1024,
  readReceipts: true,
  presence: true,
};

export interface SendInput {
  readonly to: string;
  readonly body: string;
  readonly priority?: Priority;
  readonly patientTag?: string | null;
}

export type ArchiveStatus = 'unknown' | 'ok' | 'missing';

/** How an inbound message reached us: live on the stream, as a carbon, or from an archive page. */
export type Source = 'live' | 'carbon' | 'archive';

export interface AttachmentInput {
  readonly to: string;
  readonly fileName: string;
  readonly mime: string;
  readonly data: Buffer;
  readonly priority?: Priority;
  readonly patientTag?: string | null;
  readonly onProgress?: (sent: number, total: number) => void;
}

export interface RoomMember {
  readonly nick: string;
  /** The member's real bare JID when the room shows it (non-anonymous rooms). */
  readonly jid: string | null;
  readonly role: string | null;
}

export interface MessagingEngine {
  readonly connectionState: ConnectionState;
  /** Write to the store (outbox) first, then send if online. Returns the stored message (state queued). */
  send(input: SendInput): StoredMessage;
  /**
   * Upload a file (XEP-0363, same CA rules as the connection), then send it. The local copy is
   * kept encrypted in the store. Needs a connection: refuses while offline.
   */
  sendAttachment(input: AttachmentInput): Promise<StoredMessage>;
  /** Join (creating if needed) a team room; resolves once the room has let us in. Remembered across restarts. */
  joinRoom(roomJid: string, nick: string, timeoutMs?: number): Promise<void>;
  leaveRoom(roomJid: string): void;
  rooms(): Array<{ jid: string; nick: string; joined: boolean }>;
  members(roomJid: string): RoomMember[];
  /** Mark incoming messages read up to a message and send a read marker for it. */
  markRead(conversationId: number, upToMessageId: number): { newlyRead: number; unreadCount: number };
  /** Stanzas refused at the inbound boundary since the engine started. */
  readonly rejectedCount: number;
  /** Whether the server keeps a usable message archive for us (see ArchiveSync). */
  readonly archiveStatus: ArchiveStatus;
  /** Resolves when the archive sync started by the latest (re)connect has finished. */
  whenSynced(): Promise<void>;
  onIncoming(listener: (message: StoredMessage) => void): () => void;
  onMessageState(listener: (change: MessageStateChange) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** The organisation policy on the server: published by an admin, fetched by every workstation. */
  readonly organisationPolicy: {
    publish(layer: Record<string, unknown>): Promise<void>;
    /** Sends "policy-refresh" to these addresses; returns how many were sent. */
    announce(colleagues: readonly string[]): number;
    fetch(): Promise<Record<string, unknown> | null>;
  };
  /** Bare addresses of the staff directory (roster), at most 500. */
  colleagues(): string[];
  /** Admin side: sends lock or wipe to every device of one staff member and collects acknowledgements. */
  adminCommand(to: string, action: 'lock' | 'wipe', waitMs: number): Promise<AdminAck[]>;
  /** Stop listening (the manager's lifetime belongs to the caller). */
  dispose(): void;
}

/** One device's answer to an admin command. */
export interface AdminAck {
  readonly device: string;
  readonly outcome: 'ok' | 'failed';
}
