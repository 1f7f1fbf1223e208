import crypto from 'node:crypto';
import { PATIENT_NICK } from '../../shared/contract/patient-gateway.ts';
import { IqTracker } from '../../node-shared/xmpp/iq-tracker.ts';
import { bareJid, buildMamQuery, isExcluded, NS_DATA, NS_MAM, NS_MUC_OWNER, NS_MUC_USER, NS_RSM, NS_SID, parseMamResult, parseOccupant, type MamResult } from '../../node-shared/xmpp/stanzas.ts';
import { child, children, childText, el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import type { GatewayLog } from '../log.ts';
import { ComponentStream, occupantPresence, type ComponentOptions } from './component.ts';

const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const IQ_TIMEOUT_MS = 20_000;

export interface XmppHandlers {
  /** An IQ set/get addressed to the component (ad-hoc commands); returns the answer to send. */
  iq(iq: XmlElement): Promise<XmlElement>;
  /** A groupchat message in one of our rooms, from an occupant other than ourselves. */
  roomMessage(room: string, senderJid: string | null, message: XmlElement): void;
  /** Rooms to be in after (re)connecting. */
  rooms(): readonly string[];
  /** Group the work of one socket read into one store transaction. */
  batch(handle: () => void): void;
  /** A live message in one of our rooms (ours included) carried the room's archive id. */
  archived?(room: string, archiveId: string): void;
  /** The stream is up (or a room took us back) and the rooms joined: time to read back what was missed. */
  connected?(): void;
}

/** One page of a room's archive, oldest first. */
export interface ArchivePage {
  readonly messages: ReadonlyArray<{ readonly archiveId: string; readonly senderJid: string | null; readonly message: XmlElement }>;
  /** The page's last archive id (the cursor to resume after); null on an empty page. */
  readonly last: string | null;
  readonly complete: boolean;
}

/** An IQ error answer (RFC 6120 §8.3) with one defined condition. */
export function iqError(request: XmlElement, type: 'cancel' | 'modify' | 'auth', condition: string): XmlElement {
  return el(
    'iq',
    NS_CLIENT,
    { type: 'error', to: request.attrs['from'], id: request.attrs['id'] },
    el('error', NS_CLIENT, { type }, el(condition, NS_STANZAS)),
  );
}

/**
 * The gateway on the XMPP server: one component stream (reconnected with backoff), IQ tracking,
 * conversation rooms it creates, configures and stays in, and the routing of what arrives.
 */
export class XmppSide {
  private stream: ComponentStream | null = null;
  private readonly tracker = new IqTracker();
  private readonly occupants = new Map<string, Map<string, string | null>>();
  private stopped = false;
  private retryMs = 500;
  private readonly from: string;
  private readonly opts: ComponentOptions;
  private readonly on: XmppHandlers;
  private readonly log: GatewayLog;
  private connectedWaiters: Array<() => void> = [];
  /** Archive results of our open MAM queries, by query id, held until the query's IQ result. */
  private readonly archiveQueries = new Map<string, { room: string; results: MamResult[] }>();
  online = false;

  constructor(opts: ComponentOptions, on: XmppHandlers, log: GatewayLog) {
    this.opts = opts;
    this.on = on;
    this.log = log;
    this.from = `${opts.domain}/gateway`;
  }

  get domain(): string {
    return this.opts.domain;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  /** Resolves once the component stream is up (immediately when it is). */
  whenOnline(): Promise<void> {
    return this.online ? Promise.resolve() : new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  private async connect(): Promise<void> {
    const stream = new ComponentStream(this.opts, {
      stanza: (e) => this.receive(e),
      batch: (handle) => this.on.batch(handle),
      closed: (reason) => {
        if (this.stream !== stream) return;
        this.online = false;
        this.tracker.rejectAll();
        this.occupants.clear();
        this.archiveQueries.clear();
        if (!this.stopped) {
          this.log.warn('xmpp.disconnected', { reason });
          this.retry();
        }
      },
    });
    this.stream = stream;
    await stream.connect();
    this.retryMs = 500;
    this.online = true;
    this.log.info('xmpp.connected', {});
    for (const room of this.on.rooms()) this.send(occupantPresence(this.from, room, PATIENT_NICK));
    for (const w of this.connectedWaiters.splice(0)) w();
    this.on.connected?.();
  }

  private retry(): void {
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch(() => undefined);
    }, wait).unref();
  }

  send(stanza: XmlElement): boolean {
    const attrs = stanza.attrs['from'] === undefined ? { ...stanza, attrs: { ...stanza.attrs, from: this.from } } : stanza;
    return this.stream?.send(attrs) ?? false;
  }

  async iq(stanza: XmlElement): Promise<XmlElement> {
    const id = stanza.attrs['id'] ?? crypto.randomUUID();
    const waiting = this.tracker.wait(id, IQ_TIMEOUT_MS);
    if (!this.send({ ...stanza, attrs: { ...stanza.attrs, id } })) this.tracker.rejectAll();
    return waiting;
  }

  /**
   * Creates a conversation room: join (the server creates it, locked, with us as owner), make it
   * persistent, members-only, non-anonymous, unlisted and archived (the archive field each server
   * offers), then give the front-desk team membership.
   */
  async createRoom(room: string, title: string, members: readonly string[]): Promise<void> {
    const joined = this.waitForSelf(room);
    this.send(occupantPresence(this.from, room, PATIENT_NICK));
    await joined;
    const form = await this.iq(el('iq', NS_CLIENT, { type: 'get', to: room }, el('query', NS_MUC_OWNER)));
    const offered = new Set(children(child(child(form, 'query', NS_MUC_OWNER) ?? form, 'x', NS_DATA) ?? form, 'field', NS_DATA).map((f) => f.attrs['var']));
    const wanted: Array<[string, string]> = [
      ['FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'],
      ['muc#roomconfig_roomname', title],
      ['muc#roomconfig_persistentroom', '1'],
      ['muc#roomconfig_membersonly', '1'],
      ['muc#roomconfig_publicroom', '0'],
      ['muc#roomconfig_whois', 'anyone'],
      ['muc#roomconfig_enablearchiving', '1'],
      ['mam', '1'],
      ['muc#roomconfig_mam', '1'],
    ];
    const fields = wanted
      .filter(([name]) => name === 'FORM_TYPE' || offered.has(name))
      .map(([name, value]) => el('field', NS_DATA, { var: name }, el('value', NS_DATA, {}, value)));
    await this.iq(el('iq', NS_CLIENT, { type: 'set', to: room }, el('query', NS_MUC_OWNER, {}, el('x', NS_DATA, { type: 'submit' }, ...fields))));
    // One member per request: Prosody applies only the first item of a muc#admin set.
    await Promise.all(
      members.map((jid) => this.iq(el('iq', NS_CLIENT, { type: 'set', to: room }, el('query', NS_MUC_ADMIN, {}, el('item', NS_MUC_ADMIN, { affiliation: 'member', jid }))))),
    );
  }

  /**
   * One page of a conversation room's archive (XEP-0313 against the room's JID) after `after`.
   * Results are believed only from the room we asked and only for the query we opened; a
   * sender's real address is the one the archive recorded for a non-anonymous room, or else the
   * occupant's address while it is in the room.
   */
  async readArchive(room: string, after: string | null, max: number): Promise<ArchivePage> {
    const queryId = crypto.randomUUID();
    const held = { room, results: [] as MamResult[] };
    this.archiveQueries.set(queryId, held);
    let answer: XmlElement;
    try {
      answer = await this.iq(buildMamQuery(crypto.randomUUID(), queryId, after, max, room));
    } finally {
      this.archiveQueries.delete(queryId);
    }
    const fin = child(answer, 'fin', NS_MAM);
    const last = fin === undefined ? undefined : childText(child(fin, 'set', NS_RSM) ?? fin, 'last', NS_RSM);
    const messages = held.results.map((r) => {
      const from = r.inner.attrs['from'] ?? '';
      const nick = from.includes('/') ? from.slice(from.indexOf('/') + 1) : '';
      const recorded = child(child(r.inner, 'x', NS_MUC_USER) ?? r.inner, 'item', NS_MUC_USER)?.attrs['jid'];
      const real = recorded !== undefined && recorded !== '' ? bareJid(recorded) : (this.occupants.get(room)?.get(nick) ?? null);
      return { archiveId: r.archiveId, senderJid: nick === PATIENT_NICK ? null : real, message: { ...r.inner, attrs: { ...r.inner.attrs, type: 'groupchat' } } };
    });
    return { messages, last: last === undefined || last === '' ? null : last, complete: fin === undefined || fin.attrs['complete'] === 'true' };
  }

  /** Speaks in a room as the patient (or posts a state event when `stanza` has no body). */
  roomSend(stanza: XmlElement): boolean {
    return this.send(stanza);
  }

  private readonly selfWaiters = new Map<string, { resolve(): void; reject(err: Error): void }>();

  private waitForSelf(room: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.selfWaiters.delete(room);
        reject(new Error('room-join-timeout'));
      }, IQ_TIMEOUT_MS);
      timer.unref();
      this.selfWaiters.set(room, {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
    });
  }

  private receive(e: XmlElement): void {
    if (e.name === 'iq') {
      if (this.tracker.handle(e)) return;
      void this.answer(e);
      return;
    }
    if (e.name === 'presence') return this.presence(e);
    if (e.name === 'message' && child(e, 'result', NS_MAM) !== undefined) {
      const queryId = child(e, 'result', NS_MAM)?.attrs['queryid'] ?? '';
      const held = this.archiveQueries.get(queryId);
      const result = held === undefined ? null : parseMamResult(e, this.opts.domain, new Set([held.room]));
      if (held !== undefined && result !== null && bareJid(e.attrs['from'] ?? '') === held.room) held.results.push(result);
      return;
    }
    if (e.name === 'message' && e.attrs['type'] === 'groupchat') {
      const from = e.attrs['from'] ?? '';
      const slash = from.indexOf('/');
      if (slash === -1) return;
      const room = bareJid(from);
      const nick = from.slice(slash + 1);
      const archiveId = children(e, 'stanza-id', NS_SID).find((s) => s.attrs['by'] === room)?.attrs['id'];
      if (archiveId !== undefined && archiveId !== '') this.on.archived?.(room, archiveId);
      if (nick === PATIENT_NICK) return; // our own echo
      const real = this.occupants.get(room)?.get(nick) ?? null;
      this.on.roomMessage(room, real, e);
    }
  }

  private presence(p: XmlElement): void {
    const room = bareJid(p.attrs['from'] ?? '');
    if (p.attrs['type'] === 'error') {
      this.selfWaiters.get(room)?.reject(new Error('room-join-refused'));
      this.selfWaiters.delete(room);
      return;
    }
    const occupant = parseOccupant(p);
    if (occupant === null) return;
    const map = this.occupants.get(room) ?? new Map<string, string | null>();
    this.occupants.set(room, map);
    if (occupant.available) map.set(occupant.nick, occupant.realJid);
    else map.delete(occupant.nick);
    if (occupant.self || occupant.nick === PATIENT_NICK) {
      if (occupant.available) {
        this.selfWaiters.get(room)?.resolve();
        this.selfWaiters.delete(room);
      } else if (!isExcluded(p)) this.rejoin(room);
    }
  }

  private readonly rejoinedAt = new Map<string, number>();

  /**
   * A room can drop the patient's occupant behind our back: ejabberd removes an occupant whose copy
   * of a message bounced while the gateway was away, and that removal can land after our re-join
   * on connect. Join again (at most every 2 s per room) and read back what was missed; never when
   * the room keeps us out for good (`isExcluded`).
   */
  private rejoin(room: string): void {
    if (!this.online || this.stopped || !this.on.rooms().includes(room)) return;
    const now = Date.now();
    if (now - (this.rejoinedAt.get(room) ?? 0) < 2_000) return;
    this.rejoinedAt.set(room, now);
    this.log.warn('xmpp.room_rejoin', {});
    this.send(occupantPresence(this.from, room, PATIENT_NICK));
    this.on.connected?.();
  }

  private async answer(iq: XmlElement): Promise<void> {
    const type = iq.attrs['type'];
    if (type !== 'get' && type !== 'set') return;
    if (type === 'get' && child(iq, 'query', NS_DISCO_INFO) !== undefined) {
      this.send(
        el(
          'iq',
          NS_CLIENT,
          { type: 'result', to: iq.attrs['from'], id: iq.attrs['id'] },
          el(
            'query',
            NS_DISCO_INFO,
            {},
            el('identity', NS_DISCO_INFO, { category: 'component', type: 'generic', name: 'Sealwire patient gateway' }),
            el('feature', NS_DISCO_INFO, { var: 'http://jabber.org/protocol/commands' }),
            el('feature', NS_DISCO_INFO, { var: NS_DISCO_INFO }),
          ),
        ),
      );
      return;
    }
    try {
      this.send(await this.on.iq(iq));
    } catch (err) {
      this.log.error('xmpp.iq_failed', { error: err instanceof Error ? err.name : 'unknown' });
      this.send(iqError(iq, 'cancel', 'internal-server-error'));
    }
  }
}
