import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import type { MessageState, Store, StoredMessage } from '../store/store.ts';
import { ArchiveCursors, pageArchive, type ArchivePages } from './archive.ts';
import { IqTracker } from './iq-tracker.ts';
import { Listeners } from './listeners.ts';
import type { ConnectionManager, ConnectionState, OnlineInfo } from './manager.ts';
import {
  bareJid,
  buildAdminAck,
  buildChat,
  buildDisplayed,
  buildInstantRoomConfig,
  buildJoin,
  buildLeave,
  buildReceipt,
  NS_CARBONS,
  NS_MAM,
  parseChat,
  parseMamResult,
  parseOccupant,
  unwrapCarbon,
  type AdminAction,
  type MamResult,
  type ParsedChat,
  type Priority,
} from './stanzas.ts';
import { AttachmentError, buildSlotRequest, createUploadService, httpGet, httpPut, MAX_ATTACHMENT_BYTES, parseSlot } from './upload.ts';
import { child, childText, children, el, NS_CLIENT, type XmlElement } from './xml.ts';

const NS_ROSTER = 'jabber:iq:roster';
const NS_PING = 'urn:xmpp:ping';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
/** Sync-state key for our own account's archive. */
export const MAM_SELF = 'mam:self';

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

export interface MessagingEngineOptions {
  readonly manager: ConnectionManager;
  readonly store: Store;
  readonly log: Logger;
  /** Bare JIDs whose admin commands are obeyed; anything else is ignored and logged. */
  readonly adminJids?: readonly string[];
  /** Runs an accepted admin command; its outcome is acknowledged to the sender. */
  readonly onAdminCommand?: (command: AdminCommandEvent) => void | Promise<void>;
  readonly mamPageSize?: number;
  readonly now?: () => number;
  readonly newId?: () => string;
}

export interface SendInput {
  readonly to: string;
  readonly body: string;
  readonly priority?: Priority;
  readonly patientTag?: string | null;
}

type Source = 'live' | 'carbon' | 'archive';

export interface AttachmentInput {
  readonly to: string;
  readonly fileName: string;
  readonly mime: string;
  readonly data: Buffer;
  readonly priority?: Priority;
  readonly patientTag?: string | null;
  readonly onProgress?: (sent: number, total: number) => void;
}

export { AttachmentError };

export interface RoomMember {
  readonly nick: string;
  /** The member's real bare JID when the room shows it (non-anonymous rooms). */
  readonly jid: string | null;
  readonly role: string | null;
}

const ROOMS_SETTING = 'messaging.rooms';
/** Most messages on the wire unacknowledged at once (also the store's largest outbox page). */
const OUTBOX_WINDOW = 1000;

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
  /** Resolves when the archive sync started by the latest (re)connect has finished. */
  whenSynced(): Promise<void>;
  onIncoming(listener: (message: StoredMessage) => void): () => void;
  onMessageState(listener: (change: MessageStateChange) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Stop listening (the manager's lifetime belongs to the caller). */
  dispose(): void;
}

export function createMessagingEngine(options: MessagingEngineOptions): MessagingEngine {
  const { manager, store, log } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const admins = new Set((options.adminJids ?? []).map(bareJid));
  const pageSize = options.mamPageSize ?? 500;
  const iq = new IqTracker();
  const incoming = new Listeners<StoredMessage>();
  const stateChanges = new Listeners<MessageStateChange>();
  const connection = new Listeners<ConnectionState>();
  const listenerError = (err: unknown) => log.error('messaging.listener_failed', { error: err });
  /** Client ids sent on the current SM session and not yet acknowledged. */
  const inFlight = new Set<string>();
  let ownBare = bareJid(manager.account);
  let caughtUp = false;
  let syncRun = 0;
  let synced: Promise<void> = Promise.resolve();
  // Strictly increasing send times: the store orders by (sentAt, id) and a burst within one
  // millisecond must keep its order on the receiving side too, whatever path each copy took.
  let lastSentAt = 0;

  interface RoomState {
    nick: string;
    joined: boolean;
    caughtUp: boolean;
    occupants: Map<string, RoomMember>;
    waiters: Array<{ resolve(): void; reject(err: Error): void }>;
  }
  const rooms = new Map<string, RoomState>();
  const newRoom = (nick: string): RoomState => ({ nick, joined: false, caughtUp: false, occupants: new Map(), waiters: [] });
  try {
    const saved = JSON.parse(store.getSetting(ROOMS_SETTING) ?? '[]') as Array<{ jid: string; nick: string }>;
    for (const r of saved) if (typeof r.jid === 'string' && typeof r.nick === 'string') rooms.set(bareJid(r.jid), newRoom(r.nick));
  } catch {
    log.warn('messaging.rooms_setting_invalid', {});
  }
  const cursors = new ArchiveCursors(store, log);

  /**
   * Group commit. Work done inside `grouped` shares one store transaction; what must only happen
   * once that work is durable (telling listeners, fetching attachments) waits in `afterCommit`
   * and is dropped if the transaction rolls back. Wire writes need no queue here: during a socket
   * read the connection holds them (corked) until the read's batch returns.
   */
  let afterCommit: Array<() => void> | null = null;
  const later = (fn: () => void) => {
    if (afterCommit === null) fn();
    else afterCommit.push(fn);
  };
  const grouped = <T>(fn: () => T): T => {
    if (afterCommit !== null) return fn();
    const queue: Array<() => void> = [];
    afterCommit = queue;
    let out: T;
    try {
      out = store.batch(fn);
    } finally {
      afterCommit = null;
    }
    for (const run of queue) {
      try {
        run();
      } catch (err) {
        listenerError(err);
      }
    }
    return out;
  };

  const saveRooms = () => store.setSetting(ROOMS_SETTING, JSON.stringify([...rooms].map(([jid, r]) => ({ jid, nick: r.nick }))));

  const emitState = (message: StoredMessage | null) => {
    if (message === null) return;
    const change = { messageId: message.id, clientId: message.clientId, conversationId: message.conversationId, state: message.state };
    later(() => stateChanges.emit(change, listenerError));
  };
  const emitIncoming = (message: StoredMessage) => later(() => incoming.emit(message, listenerError));

  const advance = (clientId: string, state: MessageState) => {
    if (store.advanceState(clientId, state)) emitState(store.getMessageByClientId(clientId));
  };

  /** The server has the message: out of the outbox, state 'sent' (forward only). */
  const ack = (clientId: string, serverId?: string | null, known?: StoredMessage | null) => {
    inFlight.delete(clientId);
    scheduleDrain();
    const before = known === undefined ? store.getMessageByClientId(clientId) : known;
    if (before !== null && before.state !== 'queued' && !serverId) {
      // Already past 'sent': only the outbox row may remain (removing it is cheap and idempotent).
      store.outboxAck(clientId, null);
      return;
    }
    store.outboxAck(clientId, serverId ?? null);
    const after = store.getMessageByClientId(clientId);
    if (after !== null && before?.state !== after.state) emitState(after);
  };

  /** Client ids whose attachment is still being written to the store: not sent yet. */
  const uploading = new Set<string>();
  const uploads = createUploadService({ server: manager.server, request: (stanza) => request(stanza), newId });

  const fetchAttachment = (messageId: number, attachment: NonNullable<ParsedChat['attachment']>) => {
    if (!uploads.trusted(attachment.url)) {
      log.warn('messaging.attachment_untrusted_host', {});
      return;
    }
    void httpGet(attachment.url, uploads.tls)
      .then((data) => store.attachments.add({ messageId, fileName: attachment.fileName, mime: attachment.mime, data }))
      .then(() => {
        const stored = store.getMessage(messageId);
        if (stored !== null) emitState(stored);
      })
      .catch((err: unknown) => log.warn('messaging.attachment_download_failed', { error: err }));
  };

  const transmit = (message: StoredMessage): boolean => {
    const conversation = store.getConversation(message.conversationId);
    if (conversation === null) return false;
    if (uploading.has(message.clientId)) return false;
    const file = message.attachmentCount > 0 ? store.attachments.list(message.id)[0] : undefined;
    const stanza = buildChat({
      to: conversation.jid,
      id: message.clientId,
      body: message.body,
      sentAt: message.sentAt,
      priority: message.priority,
      patientTag: message.patientTag,
      type: conversation.kind === 'room' ? 'groupchat' : 'chat',
      attachment: file === undefined ? null : { url: message.body, fileName: file.fileName, mime: file.mime, size: file.size },
    });
    if (conversation.kind === 'room' && rooms.get(conversation.jid)?.joined !== true) return false;
    if (!manager.send(stanza)) return false;
    inFlight.add(message.clientId);
    return true;
  };

  /**
   * Send everything still in the outbox, oldest first, that is not already on the wire. The store
   * hands out at most OUTBOX_WINDOW entries at a time, which doubles as flow control: once that
   * many are unacknowledged, the rest go out as acknowledgements free the window.
   */
  let drainComplete = true;
  let drainScheduled = false;
  const drainOutbox = () => {
    if (manager.state !== 'online') {
      drainComplete = false;
      return;
    }
    const due = store.outboxDue(now(), OUTBOX_WINDOW);
    for (const entry of due) {
      if (inFlight.has(entry.message.clientId)) continue;
      if (!transmit(entry.message) && manager.state !== 'online') {
        drainComplete = false;
        return;
      }
    }
    drainComplete = due.length < OUTBOX_WINDOW;
  };
  const scheduleDrain = () => {
    if (drainComplete || drainScheduled) return;
    drainScheduled = true;
    setImmediate(() => {
      drainScheduled = false;
      try {
        drainOutbox();
      } catch (err) {
        log.error('messaging.outbox_drain_failed', { error: err });
      }
    });
  };

  /** A read first: ensureConversation is a write transaction, too dear for every message. */
  const conversationFor = (kind: 'direct' | 'room', jid: string) => store.findConversation(kind, jid) ?? store.ensureConversation({ kind, jid });

  /**
   * Receipts for messages found in the archive wait until the sync ends: if the archive also holds
   * the receipt this account already sent (from another device), none is sent again.
   */
  let archiveReceipts: Map<string, string> | null = null;

  const ownerOf = (clientId: string, peer: string): StoredMessage | null => {
    const message = store.getMessageByClientId(clientId);
    if (message === null || message.direction !== 'out') return null;
    const conversation = store.getConversation(message.conversationId);
    return conversation !== null && conversation.jid === peer ? message : null;
  };

  const handleChat = (parsed: ParsedChat, source: Source, archiveId: string | null, stamp: number | null) => {
    const fromBare = bareJid(parsed.from || ownBare);
    const outgoing = fromBare === ownBare;
    const peer = outgoing ? bareJid(parsed.to) : fromBare;
    if (peer === '' || peer === ownBare) return;
    const serverId = archiveId ?? parsed.serverId;

    if (parsed.receivedFor !== null && outgoing && source === 'archive') archiveReceipts?.delete(parsed.receivedFor);
    if (parsed.receivedFor !== null && !outgoing) {
      const mine = ownerOf(parsed.receivedFor, peer);
      if (mine !== null) {
        if (mine.state === 'queued') ack(mine.clientId, null, mine);
        advance(mine.clientId, 'delivered');
      }
    }
    if (parsed.displayedFor !== null) {
      if (outgoing) {
        // Our other device read the peer's message: follow it here.
        const theirs = store.getMessageByClientId(parsed.displayedFor);
        if (theirs !== null && theirs.direction === 'in') store.markRead(theirs.conversationId, theirs.id);
      } else {
        const mine = ownerOf(parsed.displayedFor, peer);
        if (mine !== null) {
          if (mine.state === 'queued') ack(mine.clientId, null, mine);
          advance(mine.clientId, 'read');
          // XEP-0333: a displayed marker covers every earlier message of ours in the chat.
          for (const earlier of store.sentUnreadBefore(mine.conversationId, mine.id)) advance(earlier, 'read');
        }
      }
    }
    if (parsed.body === null || (parsed.type !== 'chat' && parsed.type !== 'normal')) return;
    const clientId = parsed.clientId ?? (serverId !== null ? `srv:${peer}:${serverId}` : newId());
    const conversation = conversationFor('direct', peer);
    const sentAt = parsed.sentAt ?? stamp ?? now();
    if (outgoing) {
      const result = store.insertMessage({
        clientId,
        serverId,
        conversationId: conversation.id,
        senderJid: ownBare,
        body: parsed.body,
        sentAt,
        direction: 'out',
        state: 'sent',
        priority: parsed.priority,
        patientTag: parsed.patientTag,
      });
      // The archive holding our message proves the server took it, even if the SM ack was lost.
      if (!result.inserted) ack(clientId, serverId);
      else if (source === 'carbon') emitState(store.getMessage(result.id));
      return;
    }
    const result = store.insertMessage({
      clientId,
      serverId,
      conversationId: conversation.id,
      senderJid: fromBare,
      body: parsed.body,
      sentAt,
      receivedAt: now(),
      direction: 'in',
      state: 'delivered',
      priority: parsed.priority,
      patientTag: parsed.patientTag,
    });
    if (!result.inserted && serverId !== null) store.setServerId(clientId, serverId);
    if (result.inserted) {
      const stored = store.getMessage(result.id);
      if (stored !== null) emitIncoming(stored);
      const attachment = parsed.attachment;
      if (attachment !== null && attachment.url === parsed.body) later(() => fetchAttachment(result.id, attachment));
    }
    // Receipts: live messages every time (the sender may have missed our first one), archived ones once.
    if (parsed.receiptRequested && parsed.clientId !== null) {
      if (source === 'live') manager.send(buildReceipt(peer, newId(), parsed.clientId));
      else if (source === 'archive' && result.inserted) archiveReceipts?.set(parsed.clientId, peer);
    }
  };

  const handleAdmin = (parsed: ParsedChat) => {
    const command = parsed.admin;
    if (command === null) return;
    const from = bareJid(parsed.from);
    if (!admins.has(from)) {
      log.warn('messaging.admin_command_ignored', { action: command.action, reason: 'not_admin' });
      return;
    }
    log.info('messaging.admin_command', { action: command.action });
    const reply = (outcome: 'ok' | 'failed') => manager.send(buildAdminAck(parsed.from, newId(), command.id, outcome));
    Promise.resolve()
      .then(() => options.onAdminCommand?.({ action: command.action, commandId: command.id, from }))
      .then(
        () => reply('ok'),
        (err: unknown) => {
          log.error('messaging.admin_command_failed', { action: command.action, error: err });
          reply('failed');
        },
      );
  };

  const handleGroupchat = (message: XmlElement, archiveId: string | null, stamp: number | null) => {
    const from = message.attrs.from ?? '';
    const room = bareJid(from);
    const state = rooms.get(room);
    const nick = from.slice(from.indexOf('/') + 1);
    if (state === undefined || from.indexOf('/') === -1) return;
    const parsed = parseChat(message, room);
    if (parsed.body === null) return;
    const serverId = archiveId ?? parsed.serverId;
    const conversation = conversationFor('room', room);
    const mine = parsed.clientId !== null ? store.getMessageByClientId(parsed.clientId) : null;
    const outgoing = nick === state.nick || (mine !== null && mine.direction === 'out');
    const clientId = parsed.clientId ?? (serverId !== null ? `srv:${room}:${serverId}` : newId());
    const result = store.insertMessage({
      clientId,
      serverId,
      conversationId: conversation.id,
      senderJid: outgoing ? ownBare : `${room}/${nick}`.slice(0, 3000),
      body: parsed.body,
      sentAt: parsed.sentAt ?? stamp ?? now(),
      direction: outgoing ? 'out' : 'in',
      state: outgoing ? 'sent' : 'delivered',
      ...(outgoing ? {} : { receivedAt: now() }),
      priority: parsed.priority,
      patientTag: parsed.patientTag,
    });
    // The room reflecting our message back is its acknowledgement.
    if (outgoing && !result.inserted) ack(clientId, serverId);
    if (!outgoing && result.inserted) {
      const stored = store.getMessage(result.id);
      if (stored !== null) emitIncoming(stored);
    }
    if (archiveId === null && state.caughtUp && serverId !== null) cursors.note(`mam:room:${room}`, serverId);
  };

  const storeArchived = (mam: MamResult) => {
    if (mam.inner.attrs.type === 'groupchat') handleGroupchat(mam.inner, mam.archiveId, mam.stamp);
    else handleChat(parseChat(mam.inner, ownBare), 'archive', mam.archiveId, mam.stamp);
  };

  /** Archive results held per query until their page ends (see ArchivePages). */
  const heldPages = new Map<string, MamResult[]>();
  const pages: ArchivePages = {
    open: (queryId) => void heldPages.set(queryId, []),
    drop: (queryId) => void heldPages.delete(queryId),
    store(queryId, andThen) {
      const held = heldPages.get(queryId) ?? [];
      heldPages.delete(queryId);
      grouped(() => {
        for (const mam of held) {
          try {
            storeArchived(mam);
          } catch (err) {
            // One unreadable result must not cost the page; a failed commit still throws below.
            log.error('messaging.stanza_failed', { kind: 'archive', error: err });
          }
        }
        andThen();
      });
    },
  };

  const handleMessage = (message: XmlElement) => {
    const mam = parseMamResult(message, ownBare, new Set(rooms.keys()));
    if (mam !== null) {
      const held = heldPages.get(mam.queryId);
      if (held !== undefined) held.push(mam);
      else storeArchived(mam);
      return;
    }
    if (message.attrs.type === 'groupchat') {
      handleGroupchat(message, null, null);
      return;
    }
    if (child(message, 'result', NS_MAM) !== undefined) return; // a forged archive result
    const carbon = unwrapCarbon(message, ownBare);
    if (carbon !== null) {
      handleChat(parseChat(carbon.inner, ownBare), 'carbon', null, null);
      return;
    }
    if (children(message).some((c) => c.xmlns === NS_CARBONS)) return; // forged carbon: dropped
    const parsed = parseChat(message, ownBare);
    if (message.attrs.type === 'error') {
      // The server bounced one of ours (no such colleague, blocked): failed, not silently queued.
      const mine = message.attrs.id === undefined ? null : ownerOf(message.attrs.id, bareJid(message.attrs.from ?? ''));
      if (mine !== null && mine.state === 'queued') {
        inFlight.delete(mine.clientId);
        store.outboxGiveUp(mine.clientId);
        emitState(store.getMessageByClientId(mine.clientId));
        log.warn('messaging.message_bounced', {});
      }
      return;
    }
    if (parsed.admin !== null) {
      handleAdmin(parsed);
      return;
    }
    handleChat(parsed, 'live', null, null);
    // Live messages carry our archive's id: once caught up, they move the sync cursor, so the next
    // reconnect does not download them again.
    if (caughtUp && parsed.serverId !== null) cursors.note(MAM_SELF, parsed.serverId);
  };

  const handleRoomPresence = (presence: XmlElement): boolean => {
    const room = rooms.get(bareJid(presence.attrs.from ?? ''));
    if (room === undefined) return false;
    if (presence.attrs.type === 'error') {
      const waiters = room.waiters.splice(0);
      for (const w of waiters) w.reject(new Error('room-join-refused'));
      log.warn('messaging.room_join_refused', {});
      return true;
    }
    const occupant = parseOccupant(presence);
    if (occupant === null) return true;
    if (occupant.available) {
      const isMe = occupant.self || occupant.nick === room.nick;
      room.occupants.set(occupant.nick, { nick: occupant.nick, jid: occupant.realJid ?? (isMe ? ownBare : null), role: occupant.role });
    } else {
      room.occupants.delete(occupant.nick);
    }
    if (occupant.self && occupant.available && !room.joined) {
      room.joined = true;
      const jid = occupant.room;
      const configure = occupant.created
        ? request(buildInstantRoomConfig(jid, newId())).then(() => undefined)
        : Promise.resolve();
      void configure
        .catch((err: unknown) => log.warn('messaging.room_config_failed', { error: err }))
        .then(() => {
          for (const w of room.waiters.splice(0)) w.resolve();
          drainOutbox();
          return syncRoom(jid, room);
        })
        .catch((err: unknown) => log.warn('messaging.room_sync_failed', { error: err }));
    }
    if (occupant.self && !occupant.available) room.joined = false;
    return true;
  };

  const handlePresence = (presence: XmlElement) => {
    if (handleRoomPresence(presence)) return;
    const from = bareJid(presence.attrs.from ?? '');
    if (from === '' || from === ownBare || presence.attrs.type === 'error') return;
    if (presence.attrs.type !== undefined && presence.attrs.type !== 'unavailable') return;
    const show = childText(presence, 'show', NS_CLIENT);
    store.upsertContact({ jid: from, presence: presence.attrs.type === 'unavailable' ? 'unavailable' : (show ?? 'available'), presenceAt: now() });
  };

  const handleIq = (stanza: XmlElement) => {
    if (iq.handle(stanza)) return;
    const type = stanza.attrs.type;
    if (type !== 'get' && type !== 'set') return;
    const reply = { to: stanza.attrs.from, id: stanza.attrs.id };
    if (type === 'get' && child(stanza, 'ping', NS_PING) !== undefined) {
      manager.send(el('iq', NS_CLIENT, { ...reply, type: 'result' }));
      return;
    }
    const fromServer = stanza.attrs.from === undefined || bareJid(stanza.attrs.from) === ownBare;
    // Roster pushes count only from our own account (RFC 6121 §2.1.6); anyone else is spoofing one.
    if (type === 'set' && fromServer && child(stanza, 'query', NS_ROSTER) !== undefined) {
      applyRoster(stanza);
      manager.send(el('iq', NS_CLIENT, { ...reply, type: 'result' }));
      return;
    }
    manager.send(
      el('iq', NS_CLIENT, { ...reply, type: 'error' }, el('error', NS_CLIENT, { type: 'cancel' }, el('service-unavailable', NS_STANZAS))),
    );
  };

  const applyRoster = (stanza: XmlElement) => {
    for (const item of children(child(stanza, 'query', NS_ROSTER) ?? stanza, 'item')) {
      const jid = bareJid(item.attrs.jid ?? '');
      if (jid === '' || item.attrs.subscription === 'remove') continue;
      store.upsertContact({ jid, displayName: item.attrs.name?.slice(0, 200) ?? null });
    }
  };

  const request = async (stanza: XmlElement, timeoutMs = 30_000): Promise<XmlElement> => {
    const id = stanza.attrs.id ?? '';
    const answer = iq.wait(id, timeoutMs);
    if (!manager.send(stanza)) {
      iq.handle(el('iq', NS_CLIENT, { type: 'error', id }, el('error', NS_CLIENT, {}, el('not-connected', NS_STANZAS))));
    }
    return answer;
  };

  const syncRoom = async (room: string, state: RoomState) => {
    state.caughtUp = false;
    await archivePage(`mam:room:${room}`, room, () => rooms.get(room) === state && state.joined);
    state.caughtUp = true;
  };

  const syncArchive = async (run: number) => {
    const receipts = new Map<string, string>();
    archiveReceipts = receipts;
    try {
      await archivePage(MAM_SELF, undefined, () => run === syncRun);
    } finally {
      if (archiveReceipts === receipts) archiveReceipts = null;
    }
    if (run !== syncRun) return;
    caughtUp = true;
    for (const [id, peer] of receipts) manager.send(buildReceipt(peer, newId(), id));
  };

  const archivePage = (key: string, to: string | undefined, current: () => boolean) =>
    pageArchive({ cursors, pages, log, newId, pageSize, request, current: () => current() && manager.state === 'online' }, key, to);

  const pendingMarkers = new Map<string, string>();
  const flushMarkers = () => {
    for (const [to, id] of pendingMarkers) {
      if (!manager.send(buildDisplayed(to, newId(), id))) return;
      pendingMarkers.delete(to);
    }
  };

  const onOnline = (info: OnlineInfo) => {
    ownBare = bareJid(info.jid);
    flushMarkers();
    if (info.resumed) {
      drainOutbox();
      return;
    }
    // A new session: whatever was in flight was not acknowledged and is sent again (same ids).
    inFlight.clear();
    iq.rejectAll();
    caughtUp = false;
    manager.send(el('presence', NS_CLIENT));
    void request(el('iq', NS_CLIENT, { type: 'set', id: newId() }, el('enable', NS_CARBONS))).catch((err: unknown) =>
      log.warn('messaging.carbons_unavailable', { error: err }),
    );
    void request(el('iq', NS_CLIENT, { type: 'get', id: newId() }, el('query', NS_ROSTER)))
      .then(applyRoster)
      .catch((err: unknown) => log.warn('messaging.roster_failed', { error: err }));
    for (const [jid, room] of rooms) {
      room.joined = false;
      room.occupants.clear();
      manager.send(buildJoin(jid, room.nick));
    }
    drainOutbox();
    const run = ++syncRun;
    synced = syncArchive(run).catch((err: unknown) => {
      log.warn('messaging.mam_sync_failed', { error: err });
    });
  };

  // Every socket read is one group commit (see XmppStream.read): a burst of live messages, or
  // the receipts and SM acks that arrive together, cost one fsync instead of one each.
  manager.setReadBatch((handle) => grouped(handle));
  const offs = [
    () => manager.setReadBatch(null),
    manager.onOnline(onOnline),
    manager.onState((state) => {
      if (state !== 'online') {
        iq.rejectAll();
        cursors.flush();
      }
      connection.emit(state, listenerError);
    }),
    manager.onAcked((stanzas) => {
      for (const stanza of stanzas) {
        const id = stanza.attrs.id;
        if (stanza.name === 'message' && id !== undefined && inFlight.has(id)) ack(id);
      }
    }),
    manager.onStanza((stanza) => {
      try {
        if (stanza.name === 'message') handleMessage(stanza);
        else if (stanza.name === 'presence') handlePresence(stanza);
        else if (stanza.name === 'iq') handleIq(stanza);
      } catch (err) {
        // A bad stanza (or a store refusal) must not take the connection down.
        log.error('messaging.stanza_failed', { kind: stanza.name, error: err });
      }
    }),
  ];

  return {
    get connectionState() {
      return manager.state;
    },
    send(input) {
      const to = bareJid(input.to);
      const conversation = conversationFor(rooms.has(to) ? 'room' : 'direct', to);
      const clientId = newId();
      lastSentAt = Math.max(now(), lastSentAt + 1);
      store.enqueueOutgoing({
        clientId,
        conversationId: conversation.id,
        senderJid: ownBare,
        body: input.body,
        sentAt: lastSentAt,
        priority: input.priority ?? 'normal',
        patientTag: input.patientTag ?? null,
      });
      const stored = store.getMessageByClientId(clientId)!;
      // Inside a caller's batch the outbox row is not durable yet: it goes out (drain) after the commit.
      // Otherwise order is kept: straight onto the wire only when nothing older is still waiting.
      if (store.inBatch) {
        drainComplete = false;
        scheduleDrain();
      } else if (drainComplete && inFlight.size < OUTBOX_WINDOW && manager.state === 'online') {
        if (!transmit(stored)) drainComplete = false;
      } else {
        drainComplete = false;
        scheduleDrain();
      }
      return stored;
    },
    markRead(conversationId, upToMessageId) {
      const result = store.markRead(conversationId, upToMessageId);
      const message = store.getMessage(upToMessageId);
      const conversation = store.getConversation(conversationId);
      if (result.newlyRead > 0 && message !== null && message.direction === 'in' && conversation !== null && conversation.kind === 'direct') {
        // Offline: the newest marker per conversation waits for the connection (it covers older ones).
        if (!manager.send(buildDisplayed(conversation.jid, newId(), message.clientId))) pendingMarkers.set(conversation.jid, message.clientId);
      }
      return result;
    },
    async sendAttachment(input) {
      if (input.data.length === 0 || input.data.length > MAX_ATTACHMENT_BYTES) throw new AttachmentError('size');
      if (manager.state !== 'online') throw new AttachmentError('offline');
      const service = await uploads.discover();
      const answer = await request(buildSlotRequest(service, newId(), input.fileName, input.data.length, input.mime));
      const slot = parseSlot(answer);
      if (slot === null) throw new AttachmentError('bad-slot');
      await httpPut(slot, input.data, input.mime, uploads.tls, input.onProgress);
      const to = bareJid(input.to);
      const conversation = conversationFor(rooms.has(to) ? 'room' : 'direct', to);
      const clientId = newId();
      lastSentAt = Math.max(now(), lastSentAt + 1);
      uploading.add(clientId);
      try {
        const queued = store.enqueueOutgoing({
          clientId,
          conversationId: conversation.id,
          senderJid: ownBare,
          body: slot.get,
          sentAt: lastSentAt,
          priority: input.priority ?? 'normal',
          patientTag: input.patientTag ?? null,
        });
        await store.attachments.add({ messageId: queued.id, fileName: input.fileName, mime: input.mime, data: input.data });
      } finally {
        uploading.delete(clientId);
      }
      drainComplete = false;
      drainOutbox();
      return store.getMessageByClientId(clientId)!;
    },
    joinRoom(roomJid, nick, timeoutMs = 15_000) {
      const jid = bareJid(roomJid);
      let room = rooms.get(jid);
      if (room === undefined || room.nick !== nick) {
        room = newRoom(nick);
        rooms.set(jid, room);
        saveRooms();
      }
      store.ensureConversation({ kind: 'room', jid });
      if (room.joined) return Promise.resolve();
      const state = room;
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('room-join-timeout')), timeoutMs);
        timer.unref();
        state.waiters.push({
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (err) => (clearTimeout(timer), reject(err)),
        });
      });
      manager.send(buildJoin(jid, nick));
      return joined;
    },
    leaveRoom(roomJid) {
      const jid = bareJid(roomJid);
      const room = rooms.get(jid);
      if (room === undefined) return;
      rooms.delete(jid);
      saveRooms();
      manager.send(buildLeave(jid, room.nick));
    },
    rooms: () => [...rooms].map(([jid, r]) => ({ jid, nick: r.nick, joined: r.joined })),
    members: (roomJid) => [...(rooms.get(bareJid(roomJid))?.occupants.values() ?? [])],
    whenSynced: () => synced,
    onIncoming: (l) => incoming.add(l),
    onMessageState: (l) => stateChanges.add(l),
    onConnection: (l) => connection.add(l),
    dispose() {
      for (const off of offs) off();
      cursors.flush();
      iq.rejectAll();
    },
  };
}
