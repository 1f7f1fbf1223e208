import { randomUUID } from 'node:crypto';
import { AdminCommands } from './admin-commands.ts';
import { ArchiveSync } from './archive-sync.ts';
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
import { roomArchiveKey, Rooms } from './rooms.ts';
import { Roster } from './roster.ts';
import { bareJid, NS_CARBONS } from '../../../node-shared/xmpp/stanzas.ts';
import { AttachmentError } from './upload.ts';
import { el, NS_CLIENT } from '../../../node-shared/xmpp/xml.ts';

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
  SendInput,
} from './engine-types.ts';
export { MAM_SELF } from './archive-sync.ts';
export { AttachmentError };

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

  // Closures below refer to modules built after them; none runs before this function returns.
  const outbox: OutboxSender = new OutboxSender(ctx, (conversation): boolean => conversation.kind !== 'room' || rooms.isJoined(conversation.jid));
  const markers = new Markers(ctx, outbox);
  const attachments = new AttachmentTransfer(ctx, outbox, (jid) => rooms.has(jid));
  const rooms: Rooms = new Rooms(ctx, outbox, {
    joined: (room, current) => archive.syncRoom(roomArchiveKey(room), room, current),
    noteCursor: (key, serverId) => archive.cursors.note(key, serverId),
  });
  const direct = new DirectMessages(ctx, outbox, markers, attachments);
  const admin = new AdminCommands(ctx, options.adminJids ?? [], options.onAdminCommand);
  const archive: ArchiveSync = new ArchiveSync(ctx, markers, options.mamPageSize ?? 500, (mam) => inbound.archived(mam));
  const inbound = new Inbound(ctx, { outbox, rooms, direct, admin, archive });
  const roster = new Roster(ctx);
  const organisationPolicy = new OrganisationPolicy(ctx, options.adminJids ?? []);

  const onOnline = (info: OnlineInfo) => {
    ctx.ownBare = bareJid(info.jid);
    markers.flush();
    if (info.resumed) {
      outbox.drain();
      return;
    }
    outbox.newSession();
    ctx.iq.rejectAll();
    manager.send(el('presence', NS_CLIENT));
    void ctx
      .request(el('iq', NS_CLIENT, { type: 'set', id: ctx.newId() }, el('enable', NS_CARBONS)))
      .catch((err: unknown) => log.warn('messaging.carbons_unavailable', { error: err }));
    roster.fetch();
    rooms.rejoinAll();
    outbox.drain();
    archive.startSelf();
  };

  // Every socket read is one group commit (see XmppStream.read): a burst of live messages, or
  // the receipts and SM acks that arrive together, cost one fsync instead of one each.
  manager.setReadBatch((handle) => ctx.commit.run(handle));
  const offs = [
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
          if (!rooms.presence(stanza)) roster.presence(stanza);
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
    markRead: (conversationId, upToMessageId) => markers.markRead(conversationId, upToMessageId),
    sendAttachment: (input) => attachments.send(input),
    joinRoom: (roomJid, nick, timeoutMs = 15_000) => rooms.join(roomJid, nick, timeoutMs),
    leaveRoom: (roomJid) => rooms.leave(roomJid),
    rooms: () => rooms.list(),
    members: (roomJid) => rooms.members(roomJid),
    whenSynced: () => archive.whenSynced(),
    organisationPolicy: {
      publish: (layer) => organisationPolicy.publish(layer),
      announce: (colleagues) => organisationPolicy.announce(colleagues),
      fetch: () => organisationPolicy.fetch(),
    },
    colleagues: () => options.store.listContacts(500).map((c) => c.jid).filter((jid) => jid !== ctx.ownBare),
    adminCommand: (to, action, waitMs) => admin.send(to, action, waitMs),
    onIncoming: (l) => ctx.incoming.add(l),
    onMessageState: (l) => ctx.stateChanges.add(l),
    onConnection: (l) => connection.add(l),
    dispose() {
      for (const off of offs) off();
      outbox.dispose();
      archive.cursors.flush();
      ctx.iq.rejectAll();
    },
  };
}
