import type { StoredMessage } from '../store/store.ts';
import type { EngineContext } from './context.ts';
import { findIncoming } from './peer-ids.ts';
import { bareJid, buildChat, NS_HINTS, NS_RETRACT, NS_FALLBACK, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT } from '../../../node-shared/xmpp/xml.ts';

/** How long one may edit or recall one's own message (TI-M's 24 hours). */
export const AMEND_WINDOW_MS = 24 * 60 * 60 * 1000;

/** XEP-0424's body for clients that do not know retraction (they show it instead of nothing). */
const RETRACT_FALLBACK = 'This message was withdrawn by its sender.';

/** Why an edit or recall of our own message is refused; the handler turns it into a CoreError. */
export class AmendError extends Error {
  override readonly name = 'AmendError';
  readonly reason: 'not_own' | 'recalled' | 'too_old' | 'not_sent' | 'offline' | 'attachment';
  constructor(reason: AmendError['reason']) {
    super(reason);
    this.reason = reason;
  }
}

type Amends = NonNullable<ParsedChat['amends']>;

/**
 * Edits (XEP-0308, last message correction) and recalls (XEP-0424, retraction) in 1:1 conversations
 * and team rooms: ours going out, and a peer's or room member's coming in once the inbound boundary
 * found that the message it names is that author's own (see `target` and `roomTarget`).
 */
export class Amendments {
  private readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /** Our own message (1:1 or room), sent, not recalled, within the window. */
  private own(messageId: number): { message: StoredMessage; to: string; type: 'chat' | 'groupchat' } {
    const { store } = this.ctx;
    const message = store.getMessage(messageId);
    const conversation = message === null ? null : store.getConversation(message.conversationId);
    if (message === null || conversation === null || message.direction !== 'out') throw new AmendError('not_own');
    if (message.recalledAt !== null) throw new AmendError('recalled');
    if (this.ctx.now() - message.sentAt > AMEND_WINDOW_MS) throw new AmendError('too_old');
    return { message, to: conversation.jid, type: conversation.kind === 'room' ? 'groupchat' : 'chat' };
  }

  private transmit(stanza: ReturnType<typeof el>): void {
    if (this.ctx.manager.state !== 'online' || !this.ctx.manager.send(stanza)) throw new AmendError('offline');
  }

  edit(messageId: number, body: string): StoredMessage {
    const { message, to, type } = this.own(messageId);
    if (message.attachmentCount > 0) throw new AmendError('attachment');
    // A queued message may be on the wire already; a failed one never reached anyone (send it again instead).
    if (message.state === 'queued' || message.state === 'failed') throw new AmendError('not_sent');
    this.transmit(
      buildChat({ to, type, id: this.ctx.newId(), body, sentAt: this.ctx.now(), priority: message.priority, patientTag: message.patientTag, replaces: message.clientId }),
    );
    this.ctx.store.editMessage(message.clientId, body, this.ctx.now());
    return this.changed(message.id);
  }

  recall(messageId: number): StoredMessage {
    const { message, to, type } = this.own(messageId);
    if (message.state === 'queued') throw new AmendError('not_sent');
    // In a room a retraction names the room's stanza-id (XEP-0424 §4), which every member has;
    // our origin-id is the fallback while the room's echo has not told us that id yet.
    const retracts = type === 'groupchat' ? (message.serverId ?? message.clientId) : message.clientId;
    // A failed message never reached anyone: it is withdrawn here only.
    if (message.state !== 'failed') this.transmit(buildRetraction(to, this.ctx.newId(), retracts, type));
    this.withdraw(message);
    return this.changed(message.id);
  }

  /**
   * The message an amendment names, only if it is the author's own in the 1:1 conversation it
   * arrived in: a peer can amend only messages that peer sent us; our own account (carbons, our
   * archive) only the messages we sent. Null means the stanza may not amend anything.
   */
  target(amends: Amends, author: string, peer: string): StoredMessage | null {
    const { store, ownBare } = this.ctx;
    const conversation = store.findConversation('direct', peer);
    if (conversation === null) return null;
    if (author !== ownBare) return findIncoming(store, conversation.id, author, amends.id);
    const mine = store.getMessageByClientId(amends.id);
    return mine !== null && mine.direction === 'out' && mine.conversationId === conversation.id ? mine : null;
  }

  /**
   * The room message an amendment from `sender` (room/nick, as the room stamped it) names, only
   * if that occupant sent it in that room: another member's correction or retraction of it, or
   * one naming a message of another room, gets null. `ours`: the room reflects our own amendment
   * under our nick, naming one of our messages there. Ids are the sender's origin-id (XEP-0308)
   * or the room's stanza-id (XEP-0424 in rooms).
   */
  roomTarget(amends: Amends, room: string, sender: string, ours: boolean): StoredMessage | null {
    const { store } = this.ctx;
    const conversation = store.findConversation('room', room);
    if (conversation === null) return null;
    const byServerId = store.getMessageByServerId(conversation.id, amends.id);
    if (ours) {
      const mine = store.getMessageByClientId(amends.id) ?? byServerId;
      return mine !== null && mine.direction === 'out' && mine.conversationId === conversation.id ? mine : null;
    }
    const theirs = findIncoming(store, conversation.id, sender, amends.id) ?? byServerId;
    return theirs !== null && theirs.direction === 'in' && theirs.senderJid === sender && theirs.conversationId === conversation.id ? theirs : null;
  }

  /** Apply an amendment the inbound boundary has allowed. */
  apply(target: StoredMessage, amends: Amends, body: string | null): void {
    if (target.recalledAt !== null) return;
    if (amends.kind === 'edit') {
      if (body === null || body === target.body || target.attachmentCount > 0) return;
      this.ctx.store.editMessage(target.clientId, body, this.ctx.now());
    } else this.withdraw(target);
    this.ctx.emitState(this.ctx.store.getMessage(target.id));
  }

  /** Recalled: the text goes (and its search entry), and so do its files (their keys with them). */
  private withdraw(message: StoredMessage): void {
    const { store, log } = this.ctx;
    store.recallMessage(message.clientId, this.ctx.now());
    for (const file of message.attachmentCount > 0 ? store.attachments.list(message.id) : []) {
      void store.attachments.remove(file.id).catch((err: unknown) => log.warn('messaging.recall_file_failed', { error: err }));
    }
  }

  private changed(messageId: number): StoredMessage {
    const after = this.ctx.store.getMessage(messageId)!;
    this.ctx.emitState(after);
    return after;
  }
}

/** XEP-0424 retraction of our message `retracts` (its origin-id; in a room its stanza-id), with the fallback body the XEP asks for. */
export function buildRetraction(to: string, id: string, retracts: string, type: 'chat' | 'groupchat' = 'chat'): ReturnType<typeof el> {
  return el(
    'message',
    NS_CLIENT,
    { to: bareJid(to), type, id },
    el('retract', NS_RETRACT, { id: retracts }),
    el('fallback', NS_FALLBACK, { for: NS_RETRACT }),
    el('body', NS_CLIENT, {}, RETRACT_FALLBACK),
    el('store', NS_HINTS),
  );
}
