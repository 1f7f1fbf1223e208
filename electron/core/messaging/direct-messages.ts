import type { AttachmentTransfer } from './attachment-transfer.ts';
import type { EngineContext } from './context.ts';
import type { Source } from './engine-types.ts';
import type { Markers } from './markers.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { findIncoming, incomingClientId } from './peer-ids.ts';
import { bareJid, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import { messageTime, offlineStamp } from '../../../node-shared/xmpp/wire-bounds.ts';
import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';

/**
 * 1:1 messages into the store, whichever path they came by. Callers (the inbound boundary) have
 * already decided that the stanza may speak for `parsed.from`.
 */
export class DirectMessages {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  private readonly markers: Markers;
  private readonly attachments: AttachmentTransfer;

  constructor(ctx: EngineContext, outbox: OutboxSender, markers: Markers, attachments: AttachmentTransfer) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.markers = markers;
    this.attachments = attachments;
  }

  ingest(parsed: ParsedChat, source: Source, archiveId: string | null, stamp: number | null, stanza: XmlElement): void {
    const { store, now, ownBare } = this.ctx;
    const fromBare = bareJid(parsed.from || ownBare);
    const outgoing = fromBare === ownBare;
    const peer = outgoing ? bareJid(parsed.to) : fromBare;
    if (peer === '' || peer === ownBare) return;
    const serverId = archiveId ?? parsed.serverId;

    this.markers.apply(parsed, peer, outgoing, source, stanza);
    if (parsed.body === null || (parsed.type !== 'chat' && parsed.type !== 'normal')) return;
    const conversation = this.ctx.conversationFor('direct', peer);
    // Our own ids are ours to reuse; a peer's id is scoped to the peer (see peer-ids.ts).
    const wireId = parsed.clientId ?? (serverId !== null ? `srv:${serverId}` : this.ctx.newId());
    const clientId = outgoing ? wireId : incomingClientId(store, conversation.id, fromBare, wireId);
    const receivedAt = now();
    const serverStamp = stamp ?? (source === 'archive' ? null : offlineStamp(parsed.delay, this.ctx.manager.server.domain.toLowerCase(), receivedAt));
    const sentAt = messageTime(parsed.sentAt, serverStamp, receivedAt);
    const replyToId = parsed.replyTo === null ? null : this.replyTarget(conversation.id, peer, parsed.replyTo);
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
        replyToId,
      });
      // The archive holding our message proves the server took it, even if the SM ack was lost.
      if (!result.inserted) this.outbox.ack(clientId, serverId);
      else if (source === 'carbon') this.ctx.emitState(store.getMessage(result.id));
      return;
    }
    const result = store.insertMessage({
      clientId,
      serverId,
      conversationId: conversation.id,
      senderJid: fromBare,
      body: parsed.body,
      sentAt,
      receivedAt,
      direction: 'in',
      state: 'delivered',
      priority: parsed.priority,
      patientTag: parsed.patientTag,
      replyToId,
    });
    if (!result.inserted && serverId !== null) store.setServerId(clientId, serverId);
    if (result.inserted) {
      const stored = store.getMessage(result.id);
      if (stored !== null) this.ctx.emitIncoming(stored);
      const attachment = parsed.attachment;
      if (attachment !== null && attachment.url === parsed.body) this.ctx.commit.later(() => this.attachments.fetch(result.id, attachment));
    }
    this.markers.answer(parsed, peer, source, result.inserted);
  }

  /** The message a reply answers, only within this conversation: the peer's (by its id) or ours. */
  private replyTarget(conversationId: number, peer: string, wireId: string): number | null {
    const { store } = this.ctx;
    const theirs = findIncoming(store, conversationId, peer, wireId);
    if (theirs !== null) return theirs.id;
    const ours = store.getMessageByClientId(wireId);
    return ours !== null && ours.direction === 'out' && ours.conversationId === conversationId ? ours.id : null;
  }
}
