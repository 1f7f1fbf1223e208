import type { StoredMessage } from '../store/store.ts';
import type { EngineContext } from './context.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { findIncoming, wireIdOf } from './peer-ids.ts';
import type { Rooms } from './rooms.ts';
import { bareJid, NS_HINTS } from '../../../node-shared/xmpp/stanzas.ts';
import { LIMITS, wireField } from '../../../node-shared/xmpp/wire-bounds.ts';
import { child, el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** Our acknowledgement of an urgent message, in our own namespace: `<ack id="…"/>` naming the message. */
export const NS_URGENT = 'urn:sealwire:urgent:0';

export const buildAcknowledgement = (to: string, id: string, type: 'chat' | 'groupchat', ackId: string): XmlElement =>
  el('message', NS_CLIENT, { to, id, type }, el('ack', NS_URGENT, { id: ackId }), el('store', NS_HINTS));

export const acknowledgedId = (message: XmlElement): string | null => wireField(child(message, 'ack', NS_URGENT)?.attrs.id, LIMITS.id);

export interface Acknowledged {
  readonly conversationId: number;
  readonly messageId: number;
}

/**
 * Urgent messages are acknowledged by their recipients. In a 1:1 chat the acknowledgement names the
 * sender's message id and counts only from the peer the message went to; in a room it names the
 * room's archive id of the message and counts from any member but its sender, shown to everyone
 * (the first one settles the alert for the room). Everything else is refused at the inbound boundary.
 */
export class Urgent {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  private readonly rooms: Rooms;
  private readonly emit: (event: Acknowledged) => void;

  constructor(ctx: EngineContext, outbox: OutboxSender, rooms: Rooms, emit: (event: Acknowledged) => void) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.rooms = rooms;
    this.emit = emit;
  }

  /** The staff member acknowledges an urgent message they received. Null when it is not one. */
  acknowledge(messageId: number): { at: number } | null {
    const { store, manager } = this.ctx;
    const message = store.getMessage(messageId);
    const conversation = message === null ? null : store.getConversation(message.conversationId);
    if (message === null || conversation === null || message.direction !== 'in' || message.priority !== 'urgent') return null;
    const at = this.ctx.now();
    this.record(message, this.ctx.ownBare, at);
    if (conversation.kind === 'direct') {
      manager.send(buildAcknowledgement(conversation.jid, this.ctx.newId(), 'chat', wireIdOf(message)));
    } else if (message.serverId !== null) {
      manager.send(buildAcknowledgement(conversation.jid, this.ctx.newId(), 'groupchat', message.serverId));
    }
    return { at };
  }

  /** A peer's acknowledgement (live 1:1): only of our urgent message to that peer. */
  fromPeer(peer: string, stanza: XmlElement): void {
    const id = acknowledgedId(stanza);
    const mine = id === null ? null : this.outbox.ownMessage(id, peer, 'direct');
    if (mine === null || mine.priority !== 'urgent') {
      this.ctx.reject('ack-not-recipient', stanza);
      return;
    }
    this.record(mine, bareJid(peer), this.ctx.now());
  }

  /** Our own acknowledgement sent from another computer (a sent carbon to `peer`): follow it here. */
  fromOurOtherDevice(peer: string, inner: XmlElement): void {
    const id = acknowledgedId(inner);
    const conversation = this.ctx.store.findConversation('direct', bareJid(peer));
    const theirs = id === null || conversation === null ? null : findIncoming(this.ctx.store, conversation.id, bareJid(peer), id);
    if (theirs !== null && theirs.priority === 'urgent') this.record(theirs, this.ctx.ownBare, this.ctx.now());
  }

  /** An acknowledgement in a room (from `room/nick`, stamped by the room): of an urgent message of that room, not by its sender. */
  inRoom(stanza: XmlElement): void {
    const from = stanza.attrs.from ?? '';
    const room = bareJid(from);
    const state = this.rooms.get(room);
    const nick = from.slice(from.indexOf('/') + 1);
    const id = acknowledgedId(stanza);
    const conversation = this.ctx.store.findConversation('room', room);
    const message = state === undefined || id === null || conversation === null || !from.includes('/') ? null : this.ctx.store.getMessageByServerId(conversation.id, id);
    const byUs = state !== undefined && nick === state.nick;
    const sender = `${room}/${nick}`.slice(0, LIMITS.jid);
    const bySender = message !== null && (message.direction === 'out' ? byUs : message.senderJid === sender);
    if (message === null || message.priority !== 'urgent' || bySender) {
      this.ctx.reject('ack-not-recipient', stanza);
      return;
    }
    const real = state?.occupants.get(nick)?.jid ?? null;
    this.record(message, byUs ? this.ctx.ownBare : (real ?? sender), this.ctx.now());
  }

  private record(message: StoredMessage, by: string, at: number): void {
    if (!this.ctx.store.addAcknowledgement(message.id, by, at)) return;
    const event = { conversationId: message.conversationId, messageId: message.id };
    this.ctx.commit.later(() => this.emit(event));
  }
}
