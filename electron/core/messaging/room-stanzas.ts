import { buildRoomConfig, NS_DATA, NS_HINTS, NS_MUC_OWNER } from '../../../node-shared/xmpp/stanzas.ts';
import { LIMITS, wireField } from '../../../node-shared/xmpp/wire-bounds.ts';
import { child, children, el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

/** Room administration and membership on the wire: XEP-0045 admin/owner, XEP-0249 invitations, private storage. */

export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_CONFERENCE = 'jabber:x:conference';
export const NS_PRIVATE = 'jabber:iq:private';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
/** Our list of rooms in the account's private storage (XEP-0049): another computer finds them there. */
export const NS_ROOM_LIST = 'urn:sealwire:rooms:0';

export type Affiliation = 'owner' | 'admin' | 'member' | 'none';

/** Ask for a new room's configuration form (servers differ in which fields they offer). */
export const buildRoomConfigGet = (roomJid: string, id: string): XmlElement =>
  el('iq', NS_CLIENT, { type: 'get', to: roomJid, id }, el('query', NS_MUC_OWNER));

/** The field names a configuration form offers. */
export function formFields(answer: XmlElement): Set<string> {
  const x = child(child(answer, 'query', NS_MUC_OWNER) ?? answer, 'x', NS_DATA);
  return new Set(x === undefined ? [] : children(x, 'field', NS_DATA).flatMap((f) => (f.attrs.var ? [f.attrs.var] : [])));
}

/**
 * The configuration of a room created by staff: persistent (its archive stays), members only (an
 * invitation is the way in), real addresses visible to members (the member list shows who is who),
 * archived, and named. Only fields the server's form offers are sent (ejabberd refuses others).
 */
export function buildTeamRoomConfig(roomJid: string, id: string, name: string, offered: ReadonlySet<string>): XmlElement {
  const wanted: Array<[string, string]> = [
    ['muc#roomconfig_roomname', name],
    ['muc#roomconfig_persistentroom', '1'],
    ['muc#roomconfig_membersonly', '1'],
    ['muc#roomconfig_whois', 'anyone'],
    ['muc#roomconfig_allowinvites', '1'],
    ['muc#roomconfig_enablearchiving', '1'],
    ['mam', '1'],
  ];
  return buildRoomConfig(roomJid, id, wanted.filter(([field]) => offered.has(field)));
}

export const buildSetAffiliation = (roomJid: string, id: string, jid: string, affiliation: Affiliation): XmlElement =>
  el('iq', NS_CLIENT, { type: 'set', to: roomJid, id }, el('query', NS_MUC_ADMIN, {}, el('item', NS_MUC_ADMIN, { jid, affiliation })));

export const buildAffiliationQuery = (roomJid: string, id: string, affiliation: Affiliation): XmlElement =>
  el('iq', NS_CLIENT, { type: 'get', to: roomJid, id }, el('query', NS_MUC_ADMIN, {}, el('item', NS_MUC_ADMIN, { affiliation })));

/** The bare JIDs an affiliation list answer names. */
export function parseAffiliations(answer: XmlElement): Array<{ jid: string; affiliation: string }> {
  const query = child(answer, 'query', NS_MUC_ADMIN);
  if (query === undefined) return [];
  return children(query, 'item', NS_MUC_ADMIN).flatMap((item) => {
    const jid = wireField(item.attrs.jid?.split('/')[0]?.toLowerCase(), LIMITS.jid);
    return jid === null ? [] : [{ jid, affiliation: item.attrs.affiliation ?? 'member' }];
  });
}

/** XEP-0249 direct invitation, kept for a colleague who is offline. */
export const buildDirectInvite = (to: string, id: string, roomJid: string): XmlElement =>
  el('message', NS_CLIENT, { to, id }, el('x', NS_CONFERENCE, { jid: roomJid }), el('store', NS_HINTS));

export const buildDiscoInfo = (to: string, id: string): XmlElement => el('iq', NS_CLIENT, { type: 'get', to, id }, el('query', NS_DISCO_INFO));

/** The room's name from its disco#info answer (the conference identity's name). */
export function parseRoomName(answer: XmlElement): string | null {
  const query = child(answer, 'query', NS_DISCO_INFO);
  const identity = query === undefined ? undefined : children(query, 'identity', NS_DISCO_INFO).find((i) => i.attrs.category === 'conference');
  return wireField(identity?.attrs.name, LIMITS.nick);
}

export interface SavedRoom {
  readonly jid: string;
  readonly nick: string;
}

export const buildRoomListGet = (id: string): XmlElement =>
  el('iq', NS_CLIENT, { type: 'get', id }, el('query', NS_PRIVATE, {}, el('rooms', NS_ROOM_LIST)));

export const buildRoomListSet = (id: string, rooms: readonly SavedRoom[]): XmlElement =>
  el(
    'iq',
    NS_CLIENT,
    { type: 'set', id },
    el('query', NS_PRIVATE, {}, el('rooms', NS_ROOM_LIST, {}, ...rooms.map((r) => el('room', NS_ROOM_LIST, { jid: r.jid, nick: r.nick })))),
  );

export function parseRoomList(answer: XmlElement): SavedRoom[] {
  const rooms = child(child(answer, 'query', NS_PRIVATE) ?? answer, 'rooms', NS_ROOM_LIST);
  if (rooms === undefined) return [];
  return children(rooms, 'room', NS_ROOM_LIST).flatMap((r) => {
    const jid = wireField(r.attrs.jid?.toLowerCase(), LIMITS.jid);
    const nick = wireField(r.attrs.nick, LIMITS.nick);
    return jid === null || nick === null || !jid.includes('@') || jid.includes('/') ? [] : [{ jid, nick }];
  });
}
