import type { GatewayContext } from './context.ts';
import { notifyPatient } from './delivery.ts';
import { acceptStaffMessage } from './relay.ts';

const PAGE = 50;

/**
 * Rooms whose archive is being read back: their live messages do not move the stored cursor, so
 * a replay cut short by another disconnect starts again from before what it had not yet read.
 */
const replaying = new WeakMap<GatewayContext, Set<string>>();

/** A live room message's archive id: the room's cursor moves past it (not while it replays). */
export function noteArchived(ctx: GatewayContext, room: string, archiveId: string): void {
  if (replaying.get(ctx)?.has(room) === true || ctx.store.conversationByRoom(room) === null) return;
  ctx.store.setRoomCursor(room, archiveId);
}

/**
 * After a (re)connect: reads each open conversation room's archive from its cursor and relays the
 * staff messages the gateway missed while it was away. Each message is kept once (by its id, as a
 * live one), each page commits with its cursor, and a room's patient gets one notification for
 * everything the replay found.
 */
export async function replayMissed(ctx: GatewayContext): Promise<void> {
  for (const c of ctx.store.conversations('open')) {
    if (!ctx.xmpp.online) return;
    const rooms = replaying.get(ctx) ?? new Set<string>();
    replaying.set(ctx, rooms);
    rooms.add(c.room);
    try {
      const missed: string[] = [];
      let after = ctx.store.roomCursor(c.room);
      for (;;) {
        const page = await ctx.xmpp.readArchive(c.room, after, PAGE);
        ctx.store.transaction(() => {
          for (const m of page.messages) {
            const current = ctx.store.conversation(c.id) ?? c;
            const id = acceptStaffMessage(ctx, current, m.senderJid, m.message);
            if (id !== null) missed.push(id);
          }
          if (page.last !== null) ctx.store.setRoomCursor(c.room, page.last);
        });
        if (page.last === null || page.complete) break;
        after = page.last;
      }
      if (missed.length > 0) {
        ctx.log.info('relay.replayed', { count: missed.length });
        await notifyPatient(ctx, ctx.store.conversation(c.id) ?? c, missed);
      }
    } finally {
      rooms.delete(c.room);
    }
  }
}
