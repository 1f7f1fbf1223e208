import { createHash } from 'node:crypto';
import type { AdminCommands } from './admin-commands.ts';
import type { Amendments } from './amendments.ts';
import { MAM_SELF, type ArchiveSync } from './archive-sync.ts';
import type { EngineContext } from './context.ts';
import type { RejectedStanza } from './engine-types.ts';
import type { DirectMessages } from './direct-messages.ts';
import { failureReasonOf } from './failure-reason.ts';
import type { OutboxSender } from './outbox-sender.ts';
import type { RoomAdmin } from './room-admin.ts';
import { NS_CONFERENCE } from './room-stanzas.ts';
import { roomSender, type Rooms } from './rooms.ts';
import { NS_URGENT, type Urgent } from './urgent.ts';
import { bareJid, NS_ADMIN, NS_CARBONS, NS_FORWARD, NS_MAM, NS_MARKERS, NS_RECEIPTS, parseChat, parseMamResult, type MamResult, type ParsedChat } from '../../../node-shared/xmpp/stanzas.ts';
import { child, childText, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

export interface InboundDeps {
  readonly outbox: OutboxSender;
  readonly rooms: Rooms;
  readonly roomAdmin: RoomAdmin;
  readonly urgent: Urgent;
  readonly direct: DirectMessages;
  readonly archive: ArchiveSync;
  readonly admin: AdminCommands;
  readonly amendments: Amendments;
}

/** Anything in a message that could speak for someone: a body, a receipt, a marker, wrapped stanzas. */
function carriesPayload(message: XmlElement): boolean {
  return (
    childText(message, 'body', NS_CLIENT) !== undefined ||
    child(message, 'received', NS_RECEIPTS) !== undefined ||
    child(message, 'displayed', NS_MARKERS) !== undefined ||
    wraps(message)
  );
}

/** Forwarded content (XEP-0297), a carbon wrapper or an archive result. */
const acknowledges = (message: XmlElement): boolean => child(message, 'ack', NS_URGENT) !== undefined;

const wraps = (message: XmlElement): boolean =>
  child(message, 'forwarded', NS_FORWARD) !== undefined ||
  child(message, 'sent', NS_CARBONS) !== undefined ||
  child(message, 'received', NS_CARBONS) !== undefined ||
  child(message, 'result', NS_MAM) !== undefined;

/**
 * The one inbound boundary for messages: every message stanza from the wire passes here, and here
 * alone it is decided what it may be (live chat, room message, carbon, archive result, bounce,
 * admin command) and whom it may speak for. Feature modules trust what this hands them. What it
 * refuses is counted and audited (ids only) through EngineContext.reject.
 *
 * Who may author what:
 * - a 1:1 message: its sender, live, or our own account (carbons, our archive);
 * - archive results: only answers to a query this client opened, only from the archive queried
 *   (ours: no `from` or our bare JID; a room's: that room's bare JID), and only messages that
 *   belong there (1:1 messages involving us in ours; that room's groupchat in a room's);
 * - carbons: only from our own bare JID, carrying a 1:1 message that involves us;
 * - room messages: the room (the member is the nick the room stamped); a room never authors a 1:1
 *   message, and nothing wrapped inside a room message or a headline is ever unwrapped;
 * - edits and recalls (XEP-0308, XEP-0424): only of the author's own message in the 1:1
 *   conversation they arrived in (a peer's of what that peer sent us; our account's of ours), or
 *   in a room of the message that same occupant (room/nick) sent in that room;
 * - room invitations: a colleague of our own domain, live, into the organisation's room service;
 * - acknowledgements of urgent messages: in 1:1 only from the peer our urgent message went to (or
 *   our own, from another device); in a room from any member but the message's sender.
 */
export class Inbound {
  private readonly ctx: EngineContext;
  private readonly deps: InboundDeps;

  constructor(ctx: EngineContext, deps: InboundDeps) {
    this.ctx = ctx;
    this.deps = deps;
  }

  message(message: XmlElement): void {
    const { ctx, deps } = this;
    const from = message.attrs.from;
    // No `from`: the stanza comes from our own account (RFC 6120 §8.1.2.1).
    const fromBare = from === undefined ? ctx.ownBare : bareJid(from);
    const type = message.attrs.type ?? 'normal';
    if (child(message, 'result', NS_MAM) !== undefined) {
      this.archiveResult(message);
      return;
    }
    if (type === 'error') {
      this.bounce(message, fromBare);
      return;
    }
    if (type === 'groupchat') {
      if (wraps(message)) ctx.reject('forwarded', message);
      else if (acknowledges(message)) deps.urgent.inRoom(message);
      else if (!this.roomAmend(message)) deps.rooms.message(message, null, null);
      return;
    }
    if (deps.rooms.has(fromBare)) {
      // A room's private message or notice: never a 1:1 message, receipt or marker.
      if (carriesPayload(message)) ctx.reject('room-private', message);
      return;
    }
    if (type === 'headline') {
      if (carriesPayload(message)) ctx.reject('headline', message);
      return;
    }
    if (child(message, 'sent', NS_CARBONS) !== undefined || child(message, 'received', NS_CARBONS) !== undefined) {
      this.carbon(message);
      return;
    }
    if (child(message, 'forwarded', NS_FORWARD) !== undefined) {
      ctx.reject('forwarded', message);
      return;
    }
    if (acknowledges(message)) {
      // An urgent message's acknowledgement: only from the peer it went to.
      deps.urgent.fromPeer(fromBare, message);
      return;
    }
    if (child(message, 'ack', NS_ADMIN) !== undefined) {
      deps.admin.acked(message);
      return;
    }
    if (child(message, 'x', NS_CONFERENCE) !== undefined) {
      // A room invitation (XEP-0249): only a colleague of our organisation, into its room service.
      if (!deps.roomAdmin.invited(fromBare, message)) ctx.reject('invite-foreign', message);
      return;
    }
    const parsed = parseChat(message, ctx.ownBare);
    if (parsed.admin !== null) {
      deps.admin.handle(parsed, message);
      return;
    }
    if (parsed.amends !== null) {
      this.amend(parsed, fromBare, message);
      return;
    }
    deps.direct.ingest(parsed, 'live', null, null, message);
    // Live messages carry our archive's id: once caught up, they move the sync cursor, so the next
    // reconnect does not download them again.
    if (deps.archive.caughtUp && parsed.serverId !== null) deps.archive.cursors.note(MAM_SELF, parsed.serverId);
  }

  /** One result of an archive page (already checked when it arrived). */
  archived(mam: MamResult): void {
    if (acknowledges(mam.inner)) {
      this.archivedAcknowledgement(mam.inner);
      return;
    }
    if (mam.inner.attrs.type === 'groupchat') {
      if (!this.roomAmend(mam.inner)) this.deps.rooms.message(mam.inner, mam.archiveId, mam.stamp);
      return;
    }
    const parsed = parseChat(mam.inner, this.ctx.ownBare);
    if (parsed.amends !== null) this.amend(parsed, bareJid(parsed.from || this.ctx.ownBare), mam.inner);
    else this.deps.direct.ingest(parsed, 'archive', mam.archiveId, mam.stamp, mam.inner);
  }

  /**
   * An edit or recall: applied only to the author's own message in the conversation it arrived
   * in; anything else (a colleague's message, one of ours, a message of another conversation) is
   * refused and audited. Its body is never stored as a message of its own.
   */
  private amend(parsed: ParsedChat, author: string, stanza: XmlElement): void {
    const { ctx, deps } = this;
    const amends = parsed.amends;
    if (amends === null || (parsed.type !== 'chat' && parsed.type !== 'normal')) return;
    const peer = author === ctx.ownBare ? bareJid(parsed.to) : author;
    const target = peer === '' || peer === ctx.ownBare ? null : deps.amendments.target(amends, author, peer);
    if (target === null) {
      ctx.reject('amend-not-author', stanza);
      return;
    }
    deps.amendments.apply(target, amends, parsed.body);
  }

  /**
   * A room message that corrects or retracts another (live or from the room's archive): applied
   * only when the occupant who sends it (room/nick, as the room stamped it) sent the message it
   * names in that room; otherwise refused and audited. Never stored as a message of its own.
   * False when the stanza amends nothing (an ordinary room message).
   */
  private roomAmend(message: XmlElement): boolean {
    const { ctx, deps } = this;
    const from = message.attrs.from ?? '';
    const room = bareJid(from);
    const parsed = parseChat(message, room);
    if (parsed.amends === null) return false;
    const state = deps.rooms.get(room);
    const slash = from.indexOf('/');
    const nick = from.slice(slash + 1);
    const target = state === undefined || slash === -1 ? null : deps.amendments.roomTarget(parsed.amends, room, roomSender(room, nick), nick === state.nick);
    if (target === null) ctx.reject('amend-not-author', message);
    else deps.amendments.apply(target, parsed.amends, parsed.body);
    return true;
  }

  /** An acknowledgement found in an archive (a new computer catching up): the same rules as live. */
  private archivedAcknowledgement(inner: XmlElement): void {
    const { deps, ctx } = this;
    if (inner.attrs.type === 'groupchat') deps.urgent.inRoom(inner);
    else if (bareJid(inner.attrs.from ?? '') === ctx.ownBare) deps.urgent.fromOurOtherDevice(inner.attrs.to ?? '', inner);
    else deps.urgent.fromPeer(bareJid(inner.attrs.from ?? ''), inner);
  }

  private archiveResult(message: XmlElement): void {
    const { ctx, deps } = this;
    const queryId = child(message, 'result', NS_MAM)?.attrs.queryid ?? '';
    const query = deps.archive.queried(queryId);
    if (query === undefined) {
      ctx.reject('archive-unsolicited', message);
      return;
    }
    const from = message.attrs.from?.toLowerCase();
    const fromArchive = query.room === null ? from === undefined || from === ctx.ownBare : from === query.room;
    const mam = fromArchive ? parseMamResult(message, ctx.ownBare, new Set(query.room === null ? [] : [query.room])) : null;
    if (mam === null) {
      ctx.reject('archive-wrong-source', message);
      return;
    }
    const inner = mam.inner;
    const innerFrom = bareJid(inner.attrs.from ?? '');
    const innerTo = bareJid(inner.attrs.to ?? '');
    const belongs =
      query.room === null
        ? inner.attrs.type !== 'groupchat' &&
          !deps.rooms.has(innerFrom) &&
          !deps.rooms.has(innerTo) &&
          (innerFrom === ctx.ownBare || innerTo === ctx.ownBare)
        : inner.attrs.type === 'groupchat' && innerFrom === query.room;
    if (!belongs || wraps(inner)) {
      ctx.reject('archive-foreign-message', message);
      return;
    }
    deps.archive.hold(mam);
  }

  private carbon(message: XmlElement): void {
    const { ctx, deps } = this;
    const from = message.attrs.from?.toLowerCase();
    if (from !== undefined && from !== ctx.ownBare) {
      ctx.reject('forged-carbon', message);
      return;
    }
    const wrapper = child(message, 'sent', NS_CARBONS) ?? child(message, 'received', NS_CARBONS);
    const inner = wrapper === undefined ? undefined : child(child(wrapper, 'forwarded', NS_FORWARD) ?? wrapper, 'message', NS_CLIENT);
    if (inner === undefined) return;
    const innerFrom = bareJid(inner.attrs.from ?? '');
    const innerTo = bareJid(inner.attrs.to ?? '');
    const sent = wrapper?.name === 'sent';
    // A sent carbon is ours to someone; a received one someone's to us. Room traffic and
    // wrapped content are never 1:1 messages.
    const ok =
      (sent ? innerFrom === ctx.ownBare : innerTo === ctx.ownBare) &&
      inner.attrs.type !== 'groupchat' &&
      !deps.rooms.has(innerFrom) &&
      !deps.rooms.has(innerTo) &&
      !wraps(inner);
    if (!ok) {
      ctx.reject('forged-carbon', message);
      return;
    }
    if (acknowledges(inner)) {
      if (sent) deps.urgent.fromOurOtherDevice(innerTo, inner);
      else deps.urgent.fromPeer(innerFrom, inner);
      return;
    }
    const parsed = parseChat(inner, ctx.ownBare);
    if (parsed.amends !== null) this.amend(parsed, sent ? ctx.ownBare : innerFrom, inner);
    else deps.direct.ingest(parsed, 'carbon', null, null, inner);
  }

  /**
   * The server bounced one of ours. RFC 6120 §8.3.2: only `cancel` and `auth` are final (no such
   * colleague, not allowed): the message fails, whether or not the server's acknowledgement came
   * first. `wait`, `modify`, `continue` and unknown types are temporary (ejabberd's offline limit
   * answers `wait` although its archive kept the message): never a failure.
   */
  private bounce(message: XmlElement, fromBare: string): void {
    const { deps, ctx } = this;
    const mine = message.attrs.id === undefined ? null : deps.outbox.ownMessage(message.attrs.id, fromBare);
    if (mine === null) return;
    const error = child(message, 'error', NS_CLIENT);
    const type = error?.attrs.type;
    if (type === 'cancel' || type === 'auth') {
      const reason = failureReasonOf(error);
      if (mine.state === 'queued' || mine.state === 'sent') deps.outbox.giveUp(mine, reason);
      ctx.log.warn('messaging.message_bounced', { type, reason });
      return;
    }
    ctx.log.info('messaging.message_bounced_temporary', { type: type ?? 'unknown' });
    if (mine.state === 'queued' || mine.state === 'sent') deps.outbox.retryLater(mine);
  }
}

/**
 * Audit targets for a refused stanza: the reason and a hash of the stanza's id. The id is chosen
 * by whoever sent it (it could hold any text), so the trail keeps only a digest that can still be
 * matched against the server's logs.
 */
export function rejectionTargets(event: RejectedStanza): string[] {
  const targets = [`reason:${event.reason}`];
  if (event.id !== null) targets.push(`stanza:${createHash('sha256').update(event.id).digest('hex').slice(0, 32)}`);
  return targets;
}
