import { randomBytes } from 'node:crypto';
import type { EngineContext } from './context.ts';
import type { RoomMemberInfo } from './engine-types.ts';
import {
  buildAffiliationQuery,
  buildDirectInvite,
  buildRoomListGet,
  buildRoomListSet,
  buildSetAffiliation,
  NS_CONFERENCE,
  NS_PRIVATE,
  NS_ROOM_LIST,
  parseAffiliations,
  parseRoomList,
} from './room-stanzas.ts';
import { IqError } from '../../../node-shared/xmpp/iq-tracker.ts';
import type { Rooms } from './rooms.ts';
import { bareJid } from '../../../node-shared/xmpp/stanzas.ts';
import { child, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** Room errors the handlers translate into codes (stable names). */
export class RoomError extends Error {
  readonly code: 'no-room-service' | 'not-allowed' | 'not-found' | 'offline' | 'failed';
  constructor(code: RoomError['code']) {
    super(code);
    this.code = code;
  }
}

const domainOf = (jid: string): string => jid.slice(jid.indexOf('@') + 1);

/** A readable, unguessable room address: the name's letters and a random tail (names repeat, addresses must not). */
function roomLocalPart(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);
  return `${slug || 'room'}-${randomBytes(5).toString('hex')}`;
}

/**
 * Staff team rooms beyond joining: create a named members-only room, invite and remove members,
 * accept colleagues' invitations, and keep the list of our rooms in the account's private storage
 * so a new computer joins them (and syncs their archives) at its first sign-in.
 */
export class RoomAdmin {
  private readonly ctx: EngineContext;
  private readonly rooms: Rooms;
  private readonly mucDomain: string | null;
  private readonly nick: () => string;
  /** The server's copy has been read this session: only then may ours replace it. */
  private listLoaded = false;
  /** Rooms joined or left this session before the server's copy arrived: our change wins over it. */
  private readonly changedBeforeLoad = new Map<string, 'joined' | 'left'>();
  /** The rooms as last seen by saveList (to tell what a change was). */
  private known = new Set<string>();

  constructor(ctx: EngineContext, rooms: Rooms, mucDomain: string | null, nick: () => string) {
    this.ctx = ctx;
    this.rooms = rooms;
    this.mucDomain = mucDomain?.toLowerCase() ?? null;
    this.nick = nick;
  }

  async create(name: string, members: readonly string[]): Promise<string> {
    if (this.mucDomain === null) throw new RoomError('no-room-service');
    if (this.ctx.manager.state !== 'online') throw new RoomError('offline');
    const jid = `${roomLocalPart(name)}@${this.mucDomain}`;
    await this.rooms.join(jid, this.nick(), 15_000, name);
    for (const member of members) await this.invite(jid, member);
    return jid;
  }

  /** Make a colleague a member (members-only rooms let only members in) and tell them (XEP-0249). */
  async invite(roomJid: string, memberJid: string): Promise<void> {
    const room = bareJid(roomJid);
    const member = bareJid(memberJid);
    if (!this.rooms.has(room)) throw new RoomError('not-found');
    await this.admin(buildSetAffiliation(room, this.ctx.newId(), member, 'member'));
    this.ctx.manager.send(buildDirectInvite(member, this.ctx.newId(), room));
  }

  /** Take a member out: no longer affiliated, so the members-only room removes them. */
  async remove(roomJid: string, memberJid: string): Promise<void> {
    const room = bareJid(roomJid);
    if (!this.rooms.has(room)) throw new RoomError('not-found');
    await this.admin(buildSetAffiliation(room, this.ctx.newId(), bareJid(memberJid), 'none'));
  }

  /** Everyone affiliated (when the room lets us ask), with who is present now. */
  async members(roomJid: string): Promise<RoomMemberInfo[]> {
    const room = bareJid(roomJid);
    const present = this.rooms.members(room);
    const byJid = new Map<string, RoomMemberInfo>();
    const anonymous: RoomMemberInfo[] = [];
    for (const p of present) {
      if (p.jid === null) anonymous.push({ ...p, affiliation: null, present: true });
      else byJid.set(p.jid, { ...p, affiliation: null, present: true });
    }
    for (const affiliation of ['owner', 'admin', 'member'] as const) {
      try {
        const answer = await this.ctx.request(buildAffiliationQuery(room, this.ctx.newId(), affiliation), 10_000);
        for (const a of parseAffiliations(answer)) {
          const known = byJid.get(a.jid);
          byJid.set(a.jid, known ? { ...known, affiliation } : { nick: '', jid: a.jid, role: null, affiliation, present: false });
        }
      } catch {
        // Not every member may read every list: those present are still shown.
      }
    }
    return [...byJid.values(), ...anonymous];
  }

  /**
   * A colleague's XEP-0249 invitation (called by the inbound boundary). Only a colleague of our
   * own organisation (same domain) may bring us into a room, and only one on the organisation's
   * room service: anyone else could pull a workstation into a room they control.
   */
  invited(from: string, message: XmlElement): boolean {
    const room = bareJid(child(message, 'x', NS_CONFERENCE)?.attrs.jid ?? '');
    const sender = bareJid(from);
    const ok =
      this.mucDomain !== null &&
      room.includes('@') &&
      domainOf(room) === this.mucDomain &&
      sender !== this.ctx.ownBare &&
      domainOf(sender) === domainOf(this.ctx.ownBare);
    if (!ok) return false;
    if (!this.rooms.has(room)) {
      void this.rooms.join(room, this.nick(), 15_000).catch((err: unknown) => this.ctx.log.warn('messaging.room_invite_join_failed', { error: err }));
    }
    return true;
  }

  /** A new session: read our room list from the server; it names the rooms this account is in. */
  syncList(): void {
    this.listLoaded = false;
    this.changedBeforeLoad.clear();
    this.known = new Set(this.rooms.jids());
    void this.ctx
      .request(buildRoomListGet(this.ctx.newId()), 15_000)
      .then((answer) => {
        const stored = child(child(answer, 'query', NS_PRIVATE) ?? answer, 'rooms', NS_ROOM_LIST) !== undefined;
        this.listLoaded = true;
        if (!stored) {
          this.saveList();
          return;
        }
        const listed = parseRoomList(answer);
        const names = new Set(listed.map((r) => r.jid));
        const changed = new Map(this.changedBeforeLoad);
        this.changedBeforeLoad.clear();
        for (const r of listed) {
          if (this.rooms.has(r.jid) || changed.get(r.jid) === 'left') continue;
          void this.rooms.join(r.jid, r.nick, 15_000).catch((err: unknown) => this.ctx.log.warn('messaging.room_rejoin_failed', { error: err }));
        }
        // Left on another computer: leave here too (unless joined here meanwhile).
        for (const jid of this.rooms.jids()) if (!names.has(jid) && changed.get(jid) !== 'joined') this.rooms.leave(jid);
        if (changed.size > 0) this.saveList();
      })
      .catch((err: unknown) => this.ctx.log.warn('messaging.room_list_unavailable', { error: err }));
  }

  /** Our list changed: the server's copy follows (once it has been read, so a fresh computer never blanks it). */
  saveList(): void {
    if (!this.listLoaded) {
      // Remember what changed here, so the server's older copy does not undo it when it arrives.
      const now = new Set(this.rooms.jids());
      for (const jid of now) if (!this.known.has(jid)) this.changedBeforeLoad.set(jid, 'joined');
      for (const jid of this.known) if (!now.has(jid)) this.changedBeforeLoad.set(jid, 'left');
      this.known = now;
      return;
    }
    this.known = new Set(this.rooms.jids());
    if (this.ctx.manager.state !== 'online') return;
    const list = this.rooms.list().map((r) => ({ jid: r.jid, nick: r.nick }));
    void this.ctx.request(buildRoomListSet(this.ctx.newId(), list), 15_000).catch((err: unknown) => this.ctx.log.warn('messaging.room_list_save_failed', { error: err }));
  }

  private async admin(stanza: XmlElement): Promise<void> {
    if (this.ctx.manager.state !== 'online') throw new RoomError('offline');
    try {
      await this.ctx.request(stanza, 15_000);
    } catch (err) {
      const condition = err instanceof IqError ? err.condition : '';
      throw new RoomError(condition === 'forbidden' || condition === 'not-allowed' ? 'not-allowed' : condition === 'item-not-found' ? 'not-found' : 'failed');
    }
  }
}
