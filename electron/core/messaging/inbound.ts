import type { AdminCommands } from './admin-commands.ts';
import type { ArchiveSync } from './archive-sync.ts';
import { MAM_SELF } from './archive-sync.ts';
import type { EngineContext } from './context.ts';
import type { DirectMessages } from './direct-messages.ts';
import type { OutboxSender } from './outbox-sender.ts';
import type { Rooms } from './rooms.ts';
import { bareJid, NS_CARBONS, NS_MAM, parseChat, parseMamResult, unwrapCarbon, type MamResult } from './stanzas.ts';
import { child, children, type XmlElement } from './xml.ts';

export interface InboundDeps {
  readonly outbox: OutboxSender;
  readonly rooms: Rooms;
  readonly direct: DirectMessages;
  readonly archive: ArchiveSync;
  readonly admin: AdminCommands;
}

/**
 * The one inbound boundary for messages: every message stanza from the wire passes here, and here
 * alone it is decided what it may be (live chat, room message, carbon, archive result, bounce,
 * admin command) and whom it may speak for. Feature modules trust what this hands them.
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
    const mam = parseMamResult(message, ctx.ownBare, deps.rooms.jids());
    if (mam !== null) {
      if (!deps.archive.hold(mam)) this.archived(mam);
      return;
    }
    if (message.attrs.type === 'groupchat') {
      deps.rooms.message(message, null, null);
      return;
    }
    if (child(message, 'result', NS_MAM) !== undefined) return; // a forged archive result
    const carbon = unwrapCarbon(message, ctx.ownBare);
    if (carbon !== null) {
      deps.direct.ingest(parseChat(carbon.inner, ctx.ownBare), 'carbon', null, null);
      return;
    }
    if (children(message).some((c) => c.xmlns === NS_CARBONS)) return; // forged carbon: dropped
    const parsed = parseChat(message, ctx.ownBare);
    if (message.attrs.type === 'error') {
      // The server bounced one of ours (no such colleague, blocked): failed, not silently queued.
      const mine = message.attrs.id === undefined ? null : deps.outbox.ownQueuedOrSent(message.attrs.id, bareJid(message.attrs.from ?? ''));
      if (mine !== null && mine.state === 'queued') {
        deps.outbox.giveUp(mine);
        ctx.log.warn('messaging.message_bounced', {});
      }
      return;
    }
    if (parsed.admin !== null) {
      deps.admin.handle(parsed);
      return;
    }
    deps.direct.ingest(parsed, 'live', null, null);
    // Live messages carry our archive's id: once caught up, they move the sync cursor, so the next
    // reconnect does not download them again.
    if (deps.archive.caughtUp && parsed.serverId !== null) deps.archive.cursors.note(MAM_SELF, parsed.serverId);
  }

  /** One result of an archive page. */
  archived(mam: MamResult): void {
    if (mam.inner.attrs.type === 'groupchat') this.deps.rooms.message(mam.inner, mam.archiveId, mam.stamp);
    else this.deps.direct.ingest(parseChat(mam.inner, this.ctx.ownBare), 'archive', mam.archiveId, mam.stamp);
  }
}
