import type { StoredMessage } from '../store/store.ts';
import type { EngineContext } from './context.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { bareJid } from '../../../node-shared/xmpp/stanzas.ts';
import { childText, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** How far back a returning colleague gets our unconfirmed messages again. */
const RESEND_UNRECEIPTED_MS = 24 * 60 * 60 * 1000;
/** A message without a receipt this long before one that has a receipt is presumed lost on the way. */
export const RECEIPT_GAP_MS = 500;
/** One gap check per conversation at most this often (receipts come in bursts). */
const GAP_CHECK_MS = 250;
/** A message is not resent again within this pause, whatever the trigger, */
const RESEND_PAUSE_MS = 10_000;
/** …and at most this many times per engine lifetime: a peer that never answers is not flooded. */
const MAX_RESENDS = 3;

/**
 * Redelivery of 1:1 messages the server acknowledged but the peer never confirmed (issue 13). In
 * an ejabberd cluster a node can acknowledge a message and route it to the peer's session on a
 * node that dies the next instant: the message then exists only in our archive. Two triggers send
 * such messages again under their own ids (the recipient folds the copies):
 * - the peer has a new session: a resource we did not know becomes available, or a known one
 *   announces itself again unchanged (a new session under the same resource, its old one never
 *   declared gone). Tracked whatever the presence policy says: this is delivery, not display.
 * - a receipt gap: the peer confirmed a later message, so an earlier unconfirmed one went astray.
 * Each message goes out again at most MAX_RESENDS times, never twice within RESEND_PAUSE_MS.
 */
export class Redelivery {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  /** Peers' available resources (bare → resource → show), for this session of ours. */
  private readonly resources = new Map<string, Map<string, string>>();
  private readonly resent = new Map<string, { count: number; at: number }>();
  /** Per conversation: the newest confirmed send time awaiting a gap check, and its timer. */
  private readonly gapChecks = new Map<number, { newest: number; timer: NodeJS.Timeout }>();

  constructor(ctx: EngineContext, outbox: OutboxSender) {
    this.ctx = ctx;
    this.outbox = outbox;
  }

  /** Our new session (not a resumed one): the server tells us again who is online. */
  reset(): void {
    this.resources.clear();
  }

  /** A colleague's presence; their bare JID when one of their sessions is new (else null). */
  presence(presence: XmlElement): string | null {
    const from = presence.attrs.from ?? '';
    const bare = bareJid(from);
    const slash = from.indexOf('/');
    if (bare === '' || bare === this.ctx.ownBare || slash < 0) return null;
    const resource = from.slice(slash + 1);
    const type = presence.attrs.type;
    const known = this.resources.get(bare);
    if (type === 'unavailable') {
      known?.delete(resource);
      if (known?.size === 0) this.resources.delete(bare);
      return null;
    }
    if (type !== undefined) return null;
    const show = childText(presence, 'show', NS_CLIENT) ?? '';
    const before = known?.get(resource);
    const peer = known ?? new Map<string, string>();
    peer.set(resource, show);
    this.resources.set(bare, peer);
    // A changed status of a known session is an update; the same presence again is a new session.
    return before === undefined || before === show ? bare : null;
  }

  /** Our messages to `peer` the server took and the peer never confirmed go out again. */
  resendTo(peer: string): void {
    const conversation = this.ctx.store.findConversation('direct', peer);
    if (conversation !== null) this.resend(conversation.id, Number.MAX_SAFE_INTEGER);
  }

  /** The peer confirmed one of our messages: earlier unconfirmed ones are checked shortly. */
  receipted(message: StoredMessage): void {
    const pending = this.gapChecks.get(message.conversationId);
    if (pending !== undefined) {
      pending.newest = Math.max(pending.newest, message.sentAt);
      return;
    }
    const timer = setTimeout(() => {
      const check = this.gapChecks.get(message.conversationId);
      this.gapChecks.delete(message.conversationId);
      if (check === undefined || !this.ctx.store.isOpen) return;
      try {
        this.resend(message.conversationId, check.newest - RECEIPT_GAP_MS);
      } catch (err) {
        this.ctx.log.error('messaging.redelivery_failed', { error: err });
      }
    }, GAP_CHECK_MS);
    timer.unref();
    this.gapChecks.set(message.conversationId, { newest: message.sentAt, timer });
  }

  dispose(): void {
    for (const { timer } of this.gapChecks.values()) clearTimeout(timer);
    this.gapChecks.clear();
  }

  /** Resend the conversation's unconfirmed messages sent up to `until`, within the limits above. */
  private resend(conversationId: number, until: number): void {
    const { store, now } = this.ctx;
    if (this.ctx.manager.state !== 'online') return;
    const at = now();
    for (const clientId of store.sentWithoutReceipt(conversationId, at - RESEND_UNRECEIPTED_MS, 1000)) {
      const done = this.resent.get(clientId);
      if (done !== undefined && (done.count >= MAX_RESENDS || at - done.at < RESEND_PAUSE_MS)) continue;
      const message = store.getMessageByClientId(clientId);
      // Oldest first: past `until` everything is newer still.
      if (message === null || message.sentAt > until) break;
      if (this.outbox.resend(message)) this.resent.set(clientId, { count: (done?.count ?? 0) + 1, at });
    }
  }
}
