import type { Conversation, FailureReason, MessageState, StoredMessage } from '../store/store.ts';
import type { EngineContext } from './context.ts';
import type { SendInput } from './engine-types.ts';
import { bareJid, buildChat, type OutgoingChat } from '../../../node-shared/xmpp/stanzas.ts';
import { noteMarker } from '../../../node-shared/xmpp/patient-commands.ts';
import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';
import { isNoteId, NOTE_ID_PREFIX } from './patient-notes.ts';
import { wireIdOf } from './peer-ids.ts';
import { quoteOf, quotePrefixLength } from '../../../shared/reply-quote.ts';

/** Most messages on the wire unacknowledged at once (also the store's largest outbox page). */
export const OUTBOX_WINDOW = 1000;
/** Pauses before resending after a temporary error (then we stop: the state follows the server's ack). */
const RESEND_DELAYS_MS = [30_000, 120_000, 600_000];

/**
 * The outbox flow: a message is written to the store (its commit follows), then sent; it leaves the outbox only
 * when the server has it (SM ack, its archive, a receipt) and keeps its id throughout, so a crash
 * or a dropped connection neither loses nor duplicates it.
 */
export class OutboxSender {
  /** Client ids sent on the current SM session and not yet acknowledged. */
  readonly inFlight = new Set<string>();
  /** Client ids whose attachment is still being written to the store: not sent yet. */
  readonly uploading = new Set<string>();
  /** Resends after temporary errors, by client id: how many so far, and the pending timer. */
  private readonly resends = new Map<string, { attempt: number; timer: NodeJS.Timeout | undefined }>();
  private readonly ctx: EngineContext;
  /** Whether a conversation can take a message now (a room only once joined). */
  private readonly ready: (conversation: Conversation) => boolean;
  private drainComplete = true;
  private drainScheduled = false;
  // Strictly increasing send times: the store orders by (sentAt, id) and a burst within one
  // millisecond must keep its order on the receiving side too, whatever path each copy took.
  private lastSentAt = 0;

  constructor(ctx: EngineContext, ready: (conversation: Conversation) => boolean) {
    this.ctx = ctx;
    this.ready = ready;
  }

  nextSentAt(): number {
    this.lastSentAt = Math.max(this.ctx.now(), this.lastSentAt + 1);
    return this.lastSentAt;
  }

  /**
   * Store a new outgoing message in the outbox, then put it on the wire when order allows, without
   * waiting for that row's commit: the group commits it right after (see GroupCommit), and the
   * message is reported "sent" only once both that commit and the server's acknowledgement are in.
   * If the app dies in between, the server has it under this id: it comes back from our archive
   * (and carbons) on the next start, and the recipient folds any copy by (conversation, sender, id).
   */
  enqueue(input: SendInput, conversation: Conversation): StoredMessage {
    const { store } = this.ctx;
    const clientId = input.internalNote === true ? `${NOTE_ID_PREFIX}${this.ctx.newId()}` : this.ctx.newId();
    // A reply answers a message of the same conversation only; its quote goes first, as plain text.
    const answered = input.replyToId == null ? null : store.getMessage(input.replyToId);
    const replyTo = answered !== null && answered.conversationId === conversation.id && answered.recalledAt === null ? answered : null;
    // A caller's own batch may still roll back: its message goes out (drain) only after it commits.
    const callerBatch = store.inBatch && !this.ctx.commit.open;
    const stored = this.ctx.commit.defer(() => {
      store.enqueueOutgoing({
        clientId,
        conversationId: conversation.id,
        senderJid: this.ctx.ownBare,
        body: replyTo === null ? input.body : `${quoteOf(replyTo.body)}${input.body}`,
        replyToId: replyTo?.id ?? null,
        sentAt: this.nextSentAt(),
        priority: input.priority ?? 'normal',
        patientTag: input.patientTag ?? null,
      });
      return store.getMessageByClientId(clientId)!;
    });
    // Order is kept: straight onto the wire only when nothing older is still waiting.
    if (callerBatch) {
      this.drainComplete = false;
      this.scheduleDrain();
    } else if (this.drainComplete && this.inFlight.size < OUTBOX_WINDOW && this.ctx.manager.state === 'online') {
      if (!this.transmit(stored)) this.drainComplete = false;
    } else {
      this.drainComplete = false;
      this.scheduleDrain();
    }
    return stored;
  }

  /** A failed message of ours back into the outbox under its own id (the recipient folds copies). */
  retry(messageId: number): StoredMessage | null {
    const { store } = this.ctx;
    const message = store.getMessage(messageId);
    if (message === null || message.direction !== 'out' || message.state !== 'failed' || message.recalledAt !== null) return null;
    if (!store.requeue(message.clientId)) return null;
    this.kick();
    const after = store.getMessage(messageId);
    this.ctx.emitState(after);
    return after;
  }

  /** Something new is in the outbox out of order (an attachment finished): send what is due now. */
  kick(): void {
    this.drainComplete = false;
    this.drain();
  }

  advance(clientId: string, state: MessageState): void {
    if (this.ctx.store.advanceState(clientId, state)) this.ctx.emitState(this.ctx.store.getMessageByClientId(clientId));
  }

  /** The server has the message: out of the outbox, state 'sent' (forward only). */
  ack(clientId: string, serverId?: string | null, known?: StoredMessage | null): void {
    const { store } = this.ctx;
    this.inFlight.delete(clientId);
    this.scheduleDrain();
    const before = known === undefined ? store.getMessageByClientId(clientId) : known;
    // A final error already failed it (see giveUp): an acknowledgement arriving after does not undo that.
    if (before?.state === 'failed') return;
    if (before !== null && before.state !== 'queued' && !serverId) {
      // Already past 'sent': only the outbox row may remain (removing it is cheap and idempotent).
      store.outboxAck(clientId, null);
      return;
    }
    store.outboxAck(clientId, serverId ?? null);
    const after = store.getMessageByClientId(clientId);
    if (after !== null && before?.state !== after.state) this.ctx.emitState(after);
  }

  /** A final error from the server: the message failed, whether or not it was acknowledged (the person may resend). */
  giveUp(message: StoredMessage, failure?: FailureReason): void {
    this.inFlight.delete(message.clientId);
    this.cancelResend(message.clientId);
    this.ctx.store.outboxGiveUp(message.clientId, failure);
    const after = this.ctx.store.getMessageByClientId(message.clientId);
    if (after?.state !== message.state) this.ctx.emitState(after);
  }

  /**
   * A temporary error (RFC 6120 wait/modify/continue, or an unknown type): not a failure. The state
   * follows the server's acknowledgement as usual; the same stanza (same id, so the recipient folds
   * copies) goes out again after a pause, a few times, in case the first copy went nowhere.
   */
  retryLater(message: StoredMessage): void {
    const attempt = (this.resends.get(message.clientId)?.attempt ?? 0) + 1;
    this.cancelResend(message.clientId);
    const delay = RESEND_DELAYS_MS[attempt - 1];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      const current = this.ctx.store.isOpen ? this.ctx.store.getMessageByClientId(message.clientId) : null;
      if (current === null || (current.state !== 'queued' && current.state !== 'sent')) {
        this.resends.delete(message.clientId);
        return;
      }
      // Keep the count: a further temporary error waits longer, and after the last try we stop.
      this.resends.set(message.clientId, { attempt, timer: undefined });
      this.inFlight.delete(current.clientId);
      this.transmit(current);
    }, delay);
    timer.unref();
    this.resends.set(message.clientId, { attempt, timer });
  }

  private cancelResend(clientId: string): void {
    clearTimeout(this.resends.get(clientId)?.timer);
    this.resends.delete(clientId);
  }

  /** Stop pending resends (the engine is going away). */
  dispose(): void {
    for (const { timer } of this.resends.values()) clearTimeout(timer);
    this.resends.clear();
  }

  /** One of ours the server took but the peer never confirmed, out again under its id (see Redelivery). */
  resend(message: StoredMessage): boolean {
    if (this.inFlight.has(message.clientId) || this.resends.has(message.clientId)) return false;
    return this.transmit(message);
  }

  /** Stream management acknowledged these stanzas. */
  acked(stanzas: readonly XmlElement[]): void {
    for (const stanza of stanzas) {
      const id = stanza.attrs.id;
      if (stanza.name === 'message' && id !== undefined && this.inFlight.has(id)) this.ack(id);
    }
  }

  /** A new session: whatever was in flight was not acknowledged and is sent again (same ids). */
  newSession(): void {
    this.inFlight.clear();
  }

  /** Our own message with this id in the conversation with `peer` (of that kind when given), else null. */
  ownMessage(clientId: string, peer: string, kind?: Conversation['kind']): StoredMessage | null {
    const message = this.ctx.store.getMessageByClientId(clientId);
    if (message === null || message.direction !== 'out') return null;
    const conversation = this.ctx.store.getConversation(message.conversationId);
    if (conversation === null || conversation.jid !== bareJid(peer)) return null;
    return kind === undefined || conversation.kind === kind ? message : null;
  }

  /** XEP-0461 for a reply: the answered message's author and the id its author gave it. */
  private replyOf(message: StoredMessage): OutgoingChat['reply'] {
    const target = message.replyToId === null ? null : this.ctx.store.getMessage(message.replyToId);
    if (target === null) return null;
    return { to: bareJid(target.senderJid), id: wireIdOf(target), quoteChars: quotePrefixLength(message.body) };
  }

  private transmit(message: StoredMessage): boolean {
    const { store, manager } = this.ctx;
    const conversation = store.getConversation(message.conversationId);
    if (conversation === null) return false;
    if (this.uploading.has(message.clientId)) return false;
    const file = message.attachmentCount > 0 ? store.attachments.list(message.id)[0] : undefined;
    const chat = buildChat({
      to: conversation.jid,
      id: message.clientId,
      body: message.body,
      sentAt: message.sentAt,
      priority: message.priority,
      patientTag: message.patientTag,
      type: conversation.kind === 'room' ? 'groupchat' : 'chat',
      attachment: file === undefined ? null : { url: message.body, fileName: file.fileName, mime: file.mime, size: file.size },
      reply: this.replyOf(message),
    });
    // The marker is derived from the stored id, so a note resent after a crash is still a note.
    const stanza = isNoteId(message.clientId) ? { ...chat, children: [...chat.children, noteMarker()] } : chat;
    if (!this.ready(conversation)) return false;
    if (!manager.send(stanza)) return false;
    this.inFlight.add(message.clientId);
    return true;
  }

  /**
   * Send everything still in the outbox, oldest first, that is not already on the wire. The store
   * hands out at most OUTBOX_WINDOW entries at a time, which doubles as flow control: once that
   * many are unacknowledged, the rest go out as acknowledgements free the window.
   */
  drain(): void {
    const { store, manager } = this.ctx;
    if (manager.state !== 'online') {
      this.drainComplete = false;
      return;
    }
    const due = store.outboxDue(this.ctx.now(), OUTBOX_WINDOW);
    for (const entry of due) {
      if (this.inFlight.has(entry.message.clientId)) continue;
      if (!this.transmit(entry.message) && manager.state !== 'online') {
        this.drainComplete = false;
        return;
      }
    }
    this.drainComplete = due.length < OUTBOX_WINDOW;
  }

  private scheduleDrain(): void {
    if (this.drainComplete || this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      try {
        this.drain();
      } catch (err) {
        this.ctx.log.error('messaging.outbox_drain_failed', { error: err });
      }
    });
  }
}
