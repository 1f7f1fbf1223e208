import type { EngineContext } from './context.ts';
import type { RoomMember } from './engine-types.ts';
import { isInternalNote } from '../../../node-shared/xmpp/patient-commands.ts';
import { isNoteId } from './patient-notes.ts';
import type { OutboxSender } from './outbox-sender.ts';
import { incomingClientId } from './peer-ids.ts';
import { LIMITS, messageTime, wireText } from '../../../node-shared/xmpp/wire-bounds.ts';
import { bareJid, buildInstantRoomConfig, buildJoin, buildLeave, parseChat, parseOccupant } from '../../../node-shared/xmpp/stanzas.ts';
import type { XmlElement } from '../../../node-shared/xmpp/xml.ts';
import { buildDiscoInfo, buildRoomConfigGet, buildTeamRoomConfig, formFields, parseRoomName } from './room-stanzas.ts';

const ROOMS_SETTING = 'messaging.rooms';

export interface RoomState {
  nick: string;
  joined: boolean;
  /** The room's archive has been read up to now: live messages may move its cursor. */
  caughtUp: boolean;
  occupants: Map<string, RoomMember>;
  /** A room we are creating for staff: configured as a named, members-only team room. */
  createAs: string | null;
  waiters: Array<{ resolve(): void; reject(err: Error): void }>;
}

export const roomArchiveKey = (room: string): string => `mam:room:${room}`;

/** How a room member is stored as a message's sender: room/nick, the nick bounded as the wire allows. */
export const roomSender = (room: string, nick: string): string => `${room}/${wireText(nick, LIMITS.nick * 10)}`.slice(0, LIMITS.jid);

export interface RoomHooks {
  /** The room let us in (and is configured): sync its archive while `current()` holds. */
  joined(room: string, current: () => boolean): Promise<void>;
  /** A live room message carried the room archive's id. */
  noteCursor(key: string, serverId: string): void;
  /** Every message from a joined room (live or archived), before it is stored: the patient gateway's state events have no body. */
  stanza?(room: string, message: XmlElement): void;
  /** The list of rooms changed (joined, left, removed by the room): remember it on the server too. */
  changed(): void;
  /** Someone came into or left a room (the member list on screen is out of date). */
  occupantsChanged(): void;
}

/** Team rooms (XEP-0045): membership remembered across restarts, occupants, and room messages. */
export class Rooms {
  private readonly ctx: EngineContext;
  private readonly outbox: OutboxSender;
  private readonly hooks: RoomHooks;
  private readonly rooms = new Map<string, RoomState>();

  constructor(ctx: EngineContext, outbox: OutboxSender, hooks: RoomHooks) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.hooks = hooks;
    try {
      const saved = JSON.parse(ctx.store.getSetting(ROOMS_SETTING) ?? '[]') as Array<{ jid: string; nick: string }>;
      for (const r of saved) if (typeof r.jid === 'string' && typeof r.nick === 'string') this.rooms.set(bareJid(r.jid), newRoom(r.nick));
    } catch {
      ctx.log.warn('messaging.rooms_setting_invalid', {});
    }
  }

  jids(): ReadonlySet<string> {
    return new Set(this.rooms.keys());
  }

  has(jid: string): boolean {
    return this.rooms.has(jid);
  }

  get(jid: string): RoomState | undefined {
    return this.rooms.get(jid);
  }

  isJoined(jid: string): boolean {
    return this.rooms.get(jid)?.joined === true;
  }

  list(): Array<{ jid: string; nick: string; joined: boolean }> {
    return [...this.rooms].map(([jid, r]) => ({ jid, nick: r.nick, joined: r.joined }));
  }

  members(roomJid: string): RoomMember[] {
    return [...(this.rooms.get(bareJid(roomJid))?.occupants.values() ?? [])];
  }

  join(roomJid: string, nick: string, timeoutMs: number, createAs: string | null = null): Promise<void> {
    const jid = bareJid(roomJid);
    let room = this.rooms.get(jid);
    if (room === undefined || room.nick !== nick) {
      room = newRoom(nick);
      this.rooms.set(jid, room);
      this.save();
    }
    room.createAs = createAs;
    const conversation = this.ctx.store.ensureConversation({ kind: 'room', jid, ...(createAs === null ? {} : { title: createAs }) });
    // Joined again after leaving: the room shows in the inbox again.
    if (conversation.archived) this.ctx.store.setConversationFlags(conversation.id, { archived: false });
    if (room.joined) return Promise.resolve();
    const state = room;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('room-join-timeout')), timeoutMs);
      timer.unref();
      state.waiters.push({
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
    });
    this.ctx.manager.send(buildJoin(jid, nick));
    return joined;
  }

  leave(roomJid: string): void {
    const jid = bareJid(roomJid);
    const room = this.rooms.get(jid);
    if (room === undefined) return;
    this.forget(jid);
    this.ctx.manager.send(buildLeave(jid, room.nick));
  }

  /** No longer in the room (we left, or the room removed us): out of the list and the inbox; its history stays. */
  private forget(jid: string): void {
    const room = this.rooms.get(jid);
    this.rooms.delete(jid);
    for (const w of room?.waiters.splice(0) ?? []) w.reject(new Error('room-join-refused'));
    this.save();
    const conversation = this.ctx.store.findConversation('room', jid);
    if (conversation !== null) this.ctx.store.setConversationFlags(conversation.id, { archived: true });
  }

  /** A new session: join every remembered room again. */
  rejoinAll(): void {
    for (const [jid, room] of this.rooms) {
      room.joined = false;
      room.occupants.clear();
      this.ctx.manager.send(buildJoin(jid, room.nick));
    }
  }

  /** Returns true when the presence came from one of our rooms (handled here). */
  presence(presence: XmlElement): boolean {
    const room = this.rooms.get(bareJid(presence.attrs.from ?? ''));
    if (room === undefined) return false;
    if (presence.attrs.type === 'error') {
      for (const w of room.waiters.splice(0)) w.reject(new Error('room-join-refused'));
      this.ctx.log.warn('messaging.room_join_refused', {});
      return true;
    }
    const occupant = parseOccupant(presence);
    if (occupant === null) return true;
    if (occupant.available) {
      const isMe = occupant.self || occupant.nick === room.nick;
      const shown = wireText(occupant.nick, LIMITS.nick * 10) || '?';
      room.occupants.set(occupant.nick, { nick: shown, jid: occupant.realJid ?? (isMe ? this.ctx.ownBare : null), role: occupant.role });
    } else {
      room.occupants.delete(occupant.nick);
    }
    this.hooks.occupantsChanged();
    if (occupant.self && !occupant.available && occupant.removed) {
      this.ctx.log.info('messaging.room_removed', {});
      this.forget(occupant.room);
      return true;
    }
    if (occupant.self && occupant.available && !room.joined) {
      room.joined = true;
      const jid = occupant.room;
      const name = room.createAs;
      const configure = occupant.created
        ? name === null
          ? this.ctx.request(buildInstantRoomConfig(jid, this.ctx.newId())).then(() => undefined)
          : this.ctx
              .request(buildRoomConfigGet(jid, this.ctx.newId()))
              .then((form) => this.ctx.request(buildTeamRoomConfig(jid, this.ctx.newId(), name, formFields(form))))
              .then(() => undefined)
        : Promise.resolve();
      if (!occupant.created || name === null) this.fetchName(jid);
      void configure
        .catch((err: unknown) => this.ctx.log.warn('messaging.room_config_failed', { error: err }))
        .then(async () => {
          for (const w of room.waiters.splice(0)) w.resolve();
          this.outbox.drain();
          room.caughtUp = false;
          await this.hooks.joined(jid, () => this.rooms.get(jid) === room && room.joined);
          room.caughtUp = true;
        })
        .catch((err: unknown) => this.ctx.log.warn('messaging.room_sync_failed', { error: err }));
    }
    if (occupant.self && !occupant.available) room.joined = false;
    return true;
  }

  /** A room message (live, or from that room's archive with its archive id and server stamp). */
  message(message: XmlElement, archiveId: string | null, stamp: number | null): void {
    const { store, now } = this.ctx;
    const from = message.attrs.from ?? '';
    const room = bareJid(from);
    const state = this.rooms.get(room);
    const nick = from.slice(from.indexOf('/') + 1);
    if (state === undefined || from.indexOf('/') === -1) return;
    this.hooks.stanza?.(room, message);
    const receivedAt = now();
    const parsed = parseChat(message, room);
    if (parsed.body === null) return;
    const serverId = archiveId ?? parsed.serverId;
    const conversation = this.ctx.conversationFor('room', room);
    // Ours: reflected under our nick, or one of our messages to THIS room (an earlier nick). A
    // member reusing the id of one of our messages elsewhere gets their own row, never ours.
    const known = parsed.clientId !== null ? store.getMessageByClientId(parsed.clientId) : null;
    const mine = known !== null && known.direction === 'out' && known.conversationId === conversation.id;
    const outgoing = mine || (nick === state.nick && known === null);
    const sender = roomSender(room, nick);
    const claimedId = parsed.clientId ?? (serverId !== null ? `srv:${serverId}` : this.ctx.newId());
    // A "note-" id without the note marker was relayed to the patient: never show it as a note.
    const wireId = isNoteId(claimedId) && !isInternalNote(message) ? `relayed-${claimedId}` : claimedId;
    const clientId = outgoing ? wireId : incomingClientId(store, conversation.id, sender, wireId);
    const result = store.insertMessage({
      clientId,
      serverId,
      conversationId: conversation.id,
      replyToId: parsed.replyTo === null ? null : roomReplyTarget(store, conversation.id, parsed.replyTo),
      senderJid: outgoing ? this.ctx.ownBare : sender,
      body: parsed.body,
      // The room's archive stamp, else when we received it: a member's clock never dates anything.
      sentAt: messageTime(parsed.sentAt, stamp, receivedAt),
      direction: outgoing ? 'out' : 'in',
      state: outgoing ? 'sent' : 'delivered',
      ...(outgoing ? {} : { receivedAt }),
      priority: parsed.priority,
      patientTag: parsed.patientTag,
    });
    // The room reflecting our message back is its acknowledgement. The insert has already folded
    // the reflection into our row, so the state before it (`known`) says whether it changed.
    if (outgoing && !result.inserted) this.outbox.ack(clientId, serverId, mine ? known : undefined);
    if (!outgoing && result.inserted) {
      const stored = store.getMessage(result.id);
      if (stored !== null) this.ctx.emitIncoming(stored);
    }
    if (archiveId === null && state.caughtUp && serverId !== null) this.hooks.noteCursor(roomArchiveKey(room), serverId);
  }

  /** The room's name (its disco#info identity) becomes the conversation's title. */
  private fetchName(jid: string): void {
    void this.ctx
      .request(buildDiscoInfo(jid, this.ctx.newId()))
      .then((answer) => {
        const name = parseRoomName(answer);
        const conversation = this.ctx.store.findConversation('room', jid);
        if (name === null || conversation === null || conversation.title === name) return;
        this.ctx.store.setConversationFlags(conversation.id, { title: name });
        this.hooks.changed();
      })
      .catch((err: unknown) => this.ctx.log.warn('messaging.room_info_failed', { error: err }));
  }

  private save(): void {
    this.ctx.store.setSetting(ROOMS_SETTING, JSON.stringify([...this.rooms].map(([jid, r]) => ({ jid, nick: r.nick }))));
    this.hooks.changed();
  }
}

/**
 * The message of this room a reply (XEP-0461) answers: named by the room's stanza-id (the XEP's
 * rule for rooms) or by its author's origin-id (what Sealwire sends); never one of another conversation.
 */
function roomReplyTarget(store: EngineContext['store'], conversationId: number, id: string): number | null {
  const found = store.getMessageByServerId(conversationId, id) ?? store.getMessageByClientId(id);
  return found !== null && found.conversationId === conversationId ? found.id : null;
}

const newRoom = (nick: string): RoomState => ({ nick, joined: false, caughtUp: false, occupants: new Map(), createAs: null, waiters: [] });
