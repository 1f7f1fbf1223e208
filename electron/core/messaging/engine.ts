import { randomUUID } from 'node:crypto';
import { AdminCommands } from './admin-commands.ts';
import { ArchiveSync } from './archive-sync.ts';
import { Amendments } from './amendments.ts';
import { AttachmentTransfer } from './attachment-transfer.ts';
import { EngineContext } from './context.ts';
import { DirectMessages } from './direct-messages.ts';
import type { MessagingEngine, MessagingEngineOptions } from './engine-types.ts';
import { Inbound } from './inbound.ts';
import { Listeners } from './listeners.ts';
import type { ConnectionState, OnlineInfo } from './manager.ts';
import { Markers } from './markers.ts';
import { OrganisationPolicy } from './org-policy.ts';
import { OutboxSender } from './outbox-sender.ts';
import { RoomAdmin } from './room-admin.ts';
import { roomArchiveKey, Rooms } from './rooms.ts';
import { Nicknames } from './nicknames.ts';
import { Redelivery } from './redelivery.ts';
import { Roster } from './roster.ts';
import { Urgent, type Acknowledged } from './urgent.ts';
import { bareJid, NS_CARBONS } from '../../../node-shared/xmpp/stanzas.ts';
import { AttachmentError } from './upload.ts';
import { el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

export type {
  AdminAck,
  AdminCommandEvent,
  AttachmentInput,
  MessageStateChange,
  MessagingEngine,
  MessagingEngineOptions,
  MessagingControls,
  RejectedStanza,
  RejectReason,
  RoomMember,
  RoomMemberInfo,
  SendInput,
} from './engine-types.ts';
export { MAM_SELF } from './archive-sync.ts';
export { AttachmentError };
export { RoomError } from './room-admin.ts';

/**
 * The messaging engine: a small router over one module per XMPP feature. It owns the wiring
 * (which stanza goes where, what a new session does) and nothing else; the features keep their
 * own state and share only the EngineContext.
 */
export function createMessagingEngine(options: MessagingEngineOptions): MessagingEngine {
  const { manager, log } = options;
  const ctx = new EngineContext({
    manager,
    store: options.store,
    log,
    now: options.now ?? Date.now,
    newId: options.newId ?? randomUUID,
    onRejected: options.onRejected,
    controls: options.controls,
  });
  const connection = new Listeners<ConnectionState>();
  const roomsChanged = new Listeners<void>();
  const acknowledged = new Listeners<Acknowledged>();
  let occupantsTimer: NodeJS.Timeout | null = null;

  // Closures below refer to modules built after them; none runs before this function returns.
  const outbox: OutboxSender = new OutboxSender(ctx, (conversation): boolean => conversation.kind !== 'room' || rooms.isJoined(conversation.jid));
  const redelivery = new Redelivery(ctx, outbox);
  const markers = new Markers(ctx, outbox, (message) => redelivery.receipted(message));
  const attachments = new AttachmentTransfer(ctx, outbox, (jid) => rooms.has(jid));
  const roomStanzas = new Listeners<{ room: string; stanza: XmlElement }>();
  const rooms: Rooms = new Rooms(ctx, outbox, {
    joined: (room, current) => archive.syncRoom(roomArchiveKey(room), room, current),
    noteCursor: (key, serverId) => archive.cursors.note(key, serverId),
    stanza: (room, stanza) => roomStanzas.emit({ room, stanza }, ctx.listenerError),
    changed: () => {
      roomAdmin.saveList();
      ctx.commit.later(() => roomsChanged.emit(undefined, ctx.listenerError));
    },
    // A room's presences arrive in a burst when it is joined: one event for the burst.
    occupantsChanged: () => {
      if (occupantsTimer !== null) return;
      occupantsTimer = setTimeout(() => {
        occupantsTimer = null;
        roomsChanged.emit(undefined, ctx.listenerError);
      }, 150);
      occupantsTimer.unref();
    },
  });
  const nick = options.nick ?? (() => ctx.ownBare.split('@')[0] ?? 'staff');
  const roomAdmin: RoomAdmin = new RoomAdmin(ctx, rooms, options.mucDomain ?? null, nick);
  const direct = new DirectMessages(ctx, outbox, markers, attachments);
  const admin = new AdminCommands(ctx, options.adminJids ?? [], options.onAdminCommand);
  const amendments = new Amendments(ctx);
  const archive: ArchiveSync = new ArchiveSync(ctx, markers, options.mamPageSize ?? 500, (mam) => inbound.archived(mam));
  const urgent = new Urgent(ctx, outbox, rooms, (event) => acknowledged.emit(event, ctx.listenerError));
  const inbound = new Inbound(ctx, { outbox, rooms, roomAdmin, urgent, direct, admin, archive, amendments });
  const roster = new Roster(ctx);
  const nicknames = new Nicknames(ctx, options.displayName ?? (() => null));
  const organisationPolicy = new OrganisationPolicy(ctx, options.adminJids ?? []);

  const onOnline = (info: OnlineInfo) => {
    ctx.ownBare = bareJid(info.jid);
    markers.flush();
    if (info.resumed) {
      outbox.drain();
      return;
    }
    outbox.newSession();
    redelivery.reset();
    ctx.iq.rejectAll();
    manager.send(el('presence', NS_CLIENT));
    void ctx
      .request(el('iq', NS_CLIENT, { type: 'set', id: ctx.newId() }, el('enable', NS_CARBONS)))
      .catch((err: unknown) => log.warn('messaging.carbons_unavailable', { error: err }));
    roster.fetch();
    nicknames.reset();
    nicknames.publish();
    rooms.rejoinAll();
    roomAdmin.syncList();
    outbox.drain();
    archive.startSelf();
  };

  // Every socket read joins the open group commit (see GroupCommit): a burst of live messages, or
  // the receipts and SM acks that arrive together, cost one fsync instead of one each. What we
  // write while handling a read is held by the stream until `durable` (see XmppStream.read).
  manager.setReadBatch((handle, durable) => ctx.commit.hold(handle, durable));
  const offs = [
    // A colleague the directory does not name: their published nickname names them.
    ctx.incoming.add((m) => {
      if (m.direction === 'in' && !m.senderJid.includes('/')) nicknames.lookUp(m.senderJid);
    }),
    () => manager.setReadBatch(null),
    manager.onOnline(onOnline),
    manager.onState((state) => {
      if (state !== 'online') {
        ctx.iq.rejectAll();
        archive.cursors.flush();
      }
      connection.emit(state, ctx.listenerError);
    }),
    manager.onAcked((stanzas) => outbox.acked(stanzas)),
    manager.onStanza((stanza) => {
      try {
        if (stanza.name === 'message') inbound.message(stanza);
        else if (stanza.name === 'presence') {
          if (!rooms.presence(stanza)) {
            roster.presence(stanza);
            // Display (roster, by policy) and redelivery (always) read presence separately.
            const back = redelivery.presence(stanza);
            // After the commit: the resend is not urgent, and a burst of presences shares one pass.
            if (back !== null) ctx.commit.later(() => redelivery.resendTo(back));
          }
        } else if (stanza.name === 'iq') roster.iq(stanza);
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
    get rejectedCount() {
      return ctx.rejectedCount;
    },
    get archiveStatus() {
      return archive.status;
    },
    send(input) {
      const to = bareJid(input.to);
      return outbox.enqueue(input, ctx.conversationFor(rooms.has(to) ? 'room' : 'direct', to));
    },
    edit: (messageId, body) => amendments.edit(messageId, body),
    recall: (messageId) => amendments.recall(messageId),
    retry: (messageId) => outbox.retry(messageId),
    forward: (messageId, to) => attachments.forward(messageId, bareJid(to), rooms.has(bareJid(to))),
    markRead: (conversationId, upToMessageId) => markers.markRead(conversationId, upToMessageId),
    sendAttachment: (input) => attachments.send(input),
    joinRoom: (roomJid, nick, timeoutMs = 15_000) => rooms.join(roomJid, nick, timeoutMs),
    leaveRoom: (roomJid) => rooms.leave(roomJid),
    rooms: () => rooms.list(),
    members: (roomJid) => rooms.members(roomJid),
    createRoom: (name, members) => roomAdmin.create(name, members),
    inviteToRoom: (room, member) => roomAdmin.invite(room, member),
    removeFromRoom: (room, member) => roomAdmin.remove(room, member),
    roomMembers: (room) => roomAdmin.members(room),
    onRoomsChanged: (l) => roomsChanged.add(l),
    acknowledge: (messageId) => urgent.acknowledge(messageId),
    onAcknowledged: (l) => acknowledged.add(l),
    publishNickname: () => nicknames.publish(),
    whenSynced: () => archive.whenSynced(),
    organisationPolicy: {
      publish: (layer) => organisationPolicy.publish(layer),
      announce: (colleagues) => organisationPolicy.announce(colleagues),
      fetch: () => organisationPolicy.fetch(),
    },
    colleagues: () => options.store.listContacts(500).map((c) => c.jid).filter((jid) => jid !== ctx.ownBare),
    adminCommand: (to, action, waitMs) => admin.send(to, action, waitMs),
    onIncoming: (l) => ctx.incoming.add(l),
    onRoomStanza: (l) => roomStanzas.add(({ room, stanza }) => l(room, stanza)),
    request: (stanza, timeoutMs) => ctx.request(stanza, timeoutMs),
    onMessageState: (l) => ctx.stateChanges.add(l),
    onConnection: (l) => connection.add(l),
    dispose() {
      if (occupantsTimer !== null) clearTimeout(occupantsTimer);
      for (const off of offs) off();
      ctx.commit.flush();
      outbox.dispose();
      redelivery.dispose();
      archive.cursors.flush();
      ctx.iq.rejectAll();
    },
  };
}
