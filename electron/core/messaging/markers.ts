import type { EngineContext } from './context.ts';
import type { Source } from './engine-types.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { findIncoming, wireIdOf } from './peer-ids.ts';
import { buildDisplayed, buildReceipt, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';
import type { StoredMessage } from '../store/store.ts';

/**
 * Delivery receipts (XEP-0184) and read markers (XEP-0333), both ways. A receipt or marker only
 * ever moves one of OUR messages in the conversation with the peer who sent it.
 */
export class Markers {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  /** Newest read marker per conversation that could not be sent while offline (it covers older ones). */
  private readonly pending = new Map<string, string>();
  /**
   * Receipts for messages found in the archive wait until the sync ends: if the archive also holds
   * the receipt this account already sent (from another device), none is sent again.
   */
  private archiveReceipts: Map<string, string> | null = null;

  /** A receipt moved one of our messages to delivered (Redelivery looks for gaps before it). */
  private readonly receipted: (message: StoredMessage) => void;

  constructor(ctx: EngineContext, outbox: OutboxSender, receipted: (message: StoredMessage) => void = () => undefined) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.receipted = receipted;
  }

  /**
   * Receipts and markers carried by a 1:1 message with `peer` (`outgoing`: sent by our account).
   * A receipt or marker from the peer moves only our messages to that peer; naming any other
   * message (someone else's, another conversation's, a room's) is refused and counted.
   */
  apply(parsed: ParsedChat, peer: string, outgoing: boolean, source: Source, stanza: XmlElement): void {
    const { store } = this.ctx;
    if (parsed.receivedFor !== null && outgoing && source === 'archive') this.archiveReceipts?.delete(parsed.receivedFor);
    if (parsed.receivedFor !== null && !outgoing) {
      const mine = this.outbox.ownMessage(parsed.receivedFor, peer, 'direct');
      if (mine !== null) {
        if (mine.state === 'queued') this.outbox.ack(mine.clientId, null, mine);
        this.outbox.advance(mine.clientId, 'delivered');
        this.receipted(mine);
      } else if (store.getMessageByClientId(parsed.receivedFor) !== null) {
        this.ctx.reject('receipt-not-peer', stanza);
      }
    }
    if (parsed.displayedFor === null) return;
    if (outgoing) {
      // Our other device read the peer's message: follow it here.
      const conversation = store.findConversation('direct', peer);
      const theirs = conversation === null ? null : findIncoming(store, conversation.id, peer, parsed.displayedFor);
      if (theirs !== null) store.markRead(theirs.conversationId, theirs.id);
      return;
    }
    const mine = this.outbox.ownMessage(parsed.displayedFor, peer, 'direct');
    if (mine === null) {
      if (store.getMessageByClientId(parsed.displayedFor) !== null) this.ctx.reject('marker-not-peer', stanza);
      return;
    }
    if (mine.state === 'queued') this.outbox.ack(mine.clientId, null, mine);
    this.outbox.advance(mine.clientId, 'read');
    // XEP-0333: a displayed marker covers every earlier message of ours in the chat.
    for (const earlier of store.sentUnreadBefore(mine.conversationId, mine.id)) this.outbox.advance(earlier, 'read');
  }

  /** Answer a receipt request: live messages every time (the sender may have missed our first), archived ones once. */
  answer(parsed: ParsedChat, peer: string, source: Source, inserted: boolean): void {
    if (!parsed.receiptRequested || parsed.clientId === null) return;
    if (source === 'live') this.ctx.manager.send(buildReceipt(peer, this.ctx.newId(), parsed.clientId));
    else if (source === 'archive' && inserted) this.archiveReceipts?.set(parsed.clientId, peer);
  }

  /** An archive sync starts: receipts for what it finds are held until it ends. */
  holdArchiveReceipts(): Map<string, string> {
    const receipts = new Map<string, string>();
    this.archiveReceipts = receipts;
    return receipts;
  }

  releaseArchiveReceipts(receipts: Map<string, string>, send: boolean): void {
    if (this.archiveReceipts === receipts) this.archiveReceipts = null;
    if (!send) return;
    for (const [id, peer] of receipts) this.ctx.manager.send(buildReceipt(peer, this.ctx.newId(), id));
  }

  markRead(conversationId: number, upToMessageId: number): { newlyRead: number; unreadCount: number } {
    const { store, manager } = this.ctx;
    const result = store.markRead(conversationId, upToMessageId);
    const message = store.getMessage(upToMessageId);
    const conversation = store.getConversation(conversationId);
    // Read receipts are off unless policy turns them on: then nothing tells the peer what was read.
    if (result.newlyRead > 0 && this.ctx.controls().readReceipts && message !== null && message.direction === 'in' && conversation !== null && conversation.kind === 'direct') {
      const id = wireIdOf(message);
      if (!manager.send(buildDisplayed(conversation.jid, this.ctx.newId(), id))) this.pending.set(conversation.jid, id);
    }
    return result;
  }

  /** Online again: send the markers that waited. */
  flush(): void {
    for (const [to, id] of this.pending) {
      if (!this.ctx.manager.send(buildDisplayed(to, this.ctx.newId(), id))) return;
      this.pending.delete(to);
    }
  }
}
