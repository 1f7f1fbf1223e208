import { LIMITS, wireField, wireText } from './wire-bounds.ts';
import { child, childText, el, NS_CLIENT, type XmlElement } from './xml.ts';

export const NS_RECEIPTS = 'urn:xmpp:receipts';
export const NS_MARKERS = 'urn:xmpp:chat-markers:0';
export const NS_SID = 'urn:xmpp:sid:0';
export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_DELAY = 'urn:xmpp:delay';
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
export const NS_DATA = 'jabber:x:data';
export const NS_HINTS = 'urn:xmpp:hints';
/** XEP-0308 (edit), XEP-0424 (recall), XEP-0461 (reply) and XEP-0428 (fallback text for clients that know none of them). */
export const NS_CORRECT = 'urn:xmpp:message-correct:0';
export const NS_RETRACT = 'urn:xmpp:message-retract:1';
export const NS_REPLY = 'urn:xmpp:reply:0';
export const NS_FALLBACK = 'urn:xmpp:fallback:0';
/** Our own namespaces: message metadata and admin commands. */
export const NS_META = 'urn:sealwire:meta:0';
export const NS_ADMIN = 'urn:sealwire:admin:0';

export type Priority = 'normal' | 'urgent';
export type AdminAction = 'lock' | 'wipe' | 'policy-refresh';
const ADMIN_ACTIONS: ReadonlySet<string> = new Set(['lock', 'wipe', 'policy-refresh']);

export const bareJid = (jid: string): string => {
  const slash = jid.indexOf('/');
  return (slash === -1 ? jid : jid.slice(0, slash)).toLowerCase();
};

/** Limits on what we accept from the wire (the store and contract bound them as well). */
export const MAX_BODY_CHARS = LIMITS.body;
export const MAX_TAG_CHARS = LIMITS.patientTag;
export const MAX_ID_CHARS = LIMITS.id;

export interface OutgoingChat {
  readonly to: string;
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  readonly priority: Priority;
  readonly patientTag: string | null;
  readonly type?: 'chat' | 'groupchat';
  /** An uploaded attachment (XEP-0363 + XEP-0066): the body is its URL. */
  readonly attachment?: { readonly url: string; readonly fileName: string; readonly mime: string; readonly size: number } | null;
  /** XEP-0308: this message corrects our earlier one with this id. */
  readonly replaces?: string;
  /** XEP-0461: this message answers that one (its author and id); `quoteChars` of the body are the quoted fallback. */
  readonly reply?: { readonly to: string; readonly id: string; readonly quoteChars: number } | null;
}

export function buildChat(m: OutgoingChat): XmlElement {
  return el(
    'message',
    NS_CLIENT,
    { to: m.to, type: m.type ?? 'chat', id: m.id },
    el('body', NS_CLIENT, {}, m.body),
    el('origin-id', NS_SID, { id: m.id }),
    m.type !== 'groupchat' && el('request', NS_RECEIPTS),
    el('markable', NS_MARKERS),
    el('meta', NS_META, {
      priority: m.priority,
      ts: m.sentAt,
      ...(m.patientTag ? { patient: m.patientTag } : {}),
      ...(m.attachment ? { fname: m.attachment.fileName, mime: m.attachment.mime, size: m.attachment.size } : {}),
    }),
    m.attachment ? el('x', 'jabber:x:oob', {}, el('url', 'jabber:x:oob', {}, m.attachment.url)) : null,
    m.replaces === undefined ? null : el('replace', NS_CORRECT, { id: m.replaces }),
    m.reply ? el('reply', NS_REPLY, { to: m.reply.to, id: m.reply.id }) : null,
    m.reply && m.reply.quoteChars > 0 ? el('fallback', NS_FALLBACK, { for: NS_REPLY }, el('body', NS_FALLBACK, { start: 0, end: m.reply.quoteChars })) : null,
    el('store', NS_HINTS),
  );
}

export const buildReceipt = (to: string, id: string, ackId: string): XmlElement =>
  el('message', NS_CLIENT, { to, id }, el('received', NS_RECEIPTS, { id: ackId }), el('store', NS_HINTS));

export const buildDisplayed = (to: string, id: string, ackId: string): XmlElement =>
  el('message', NS_CLIENT, { to, id, type: 'chat' }, el('displayed', NS_MARKERS, { id: ackId }), el('store', NS_HINTS));

/** A chat message as we understand it, whichever path it came by (live, carbon, archive). */
export interface ParsedChat {
  readonly from: string;
  readonly to: string;
  readonly type: string;
  /** The sender's id: origin-id if present, else the stanza id. */
  readonly clientId: string | null;
  /** The stanza-id assigned by our own server (only trusted when `by` is our account). */
  readonly serverId: string | null;
  readonly body: string | null;
  readonly priority: Priority;
  readonly patientTag: string | null;
  /** The sender's stated send time (our meta): a claim, see wire-bounds messageTime. */
  readonly sentAt: number | null;
  /** A delay (XEP-0203) stamp and who added it. */
  readonly delay: { readonly stamp: number; readonly from: string } | null;
  readonly receiptRequested: boolean;
  readonly receivedFor: string | null;
  readonly displayedFor: string | null;
  readonly admin: { action: AdminAction; id: string } | null;
  readonly attachment: { url: string; fileName: string; mime: string; size: number } | null;
  /** An edit (XEP-0308) or recall (XEP-0424) of the message with this id; who may is decided in inbound.ts. */
  readonly amends: { readonly kind: 'edit' | 'recall'; readonly id: string } | null;
  /** XEP-0461: the id of the message this one answers (resolved within its conversation only). */
  readonly replyTo: string | null;
}

const clip = (value: string | undefined, max: number): string | null => wireField(value, max);

/** `trustedBy`: the archive whose stanza-id we believe (our account; the room for groupchat). */
export function parseChat(message: XmlElement, trustedBy: string): ParsedChat {
  const originId = child(message, 'origin-id', NS_SID)?.attrs.id;
  let serverId: string | null = null;
  for (const c of message.children) {
    if (typeof c !== 'string' && c.name === 'stanza-id' && c.xmlns === NS_SID && bareJid(c.attrs.by ?? '') === trustedBy) {
      serverId = clip(c.attrs.id, MAX_ID_CHARS);
    }
  }
  const meta = child(message, 'meta', NS_META);
  const ts = Number(meta?.attrs.ts);
  const delayElement = child(message, 'delay', NS_DELAY);
  const delayed = delayElement?.attrs.stamp === undefined ? NaN : Date.parse(delayElement.attrs.stamp);
  const command = child(message, 'command', NS_ADMIN);
  const action = command?.attrs.action;
  const body = childText(message, 'body', NS_CLIENT);
  const replaces = clip(child(message, 'replace', NS_CORRECT)?.attrs.id, MAX_ID_CHARS);
  const retracts = clip(child(message, 'retract', NS_RETRACT)?.attrs.id, MAX_ID_CHARS);
  return {
    from: message.attrs.from ?? '',
    to: message.attrs.to ?? '',
    type: message.attrs.type ?? 'normal',
    clientId: clip(originId ?? message.attrs.id, MAX_ID_CHARS),
    serverId,
    body: body === undefined ? null : wireText(body, MAX_BODY_CHARS, true),
    priority: meta?.attrs.priority === 'urgent' ? 'urgent' : 'normal',
    patientTag: clip(meta?.attrs.patient, MAX_TAG_CHARS),
    sentAt: Number.isFinite(ts) && ts > 0 ? ts : null,
    delay: Number.isFinite(delayed) ? { stamp: delayed, from: (delayElement?.attrs.from ?? '').toLowerCase() } : null,
    receiptRequested: child(message, 'request', NS_RECEIPTS) !== undefined,
    receivedFor: clip(child(message, 'received', NS_RECEIPTS)?.attrs.id, MAX_ID_CHARS),
    displayedFor: clip(child(message, 'displayed', NS_MARKERS)?.attrs.id, MAX_ID_CHARS),
    attachment: parseAttachment(message, meta),
    amends: retracts !== null ? { kind: 'recall', id: retracts } : replaces !== null ? { kind: 'edit', id: replaces } : null,
    replyTo: clip(child(message, 'reply', NS_REPLY)?.attrs.id, MAX_ID_CHARS),
    admin:
      command !== undefined && action !== undefined && ADMIN_ACTIONS.has(action)
        ? { action: action as AdminAction, id: clip(command.attrs.id, MAX_ID_CHARS) ?? '' }
        : null,
  };
}

/**
 * Unwrap a carbon (XEP-0280). Only carbons our own account sent us count; anyone else could
 * forge one to plant a message "from" a colleague.
 */
export function unwrapCarbon(message: XmlElement, ownBare: string): { direction: 'sent' | 'received'; inner: XmlElement } | null {
  for (const kind of ['sent', 'received'] as const) {
    const wrapper = child(message, kind, NS_CARBONS);
    if (wrapper === undefined) continue;
    if (bareJid(message.attrs.from ?? ownBare) !== ownBare) return null;
    const inner = child(child(wrapper, 'forwarded', NS_FORWARD) ?? wrapper, 'message', NS_CLIENT);
    return inner === undefined ? null : { direction: kind, inner };
  }
  return null;
}

export interface MamResult {
  readonly queryId: string;
  readonly archiveId: string;
  readonly inner: XmlElement;
  readonly stamp: number | null;
}

/** A MAM result message; only from an archive we queried (our account's, or a joined room's). */
export function parseMamResult(message: XmlElement, ownBare: string, rooms: ReadonlySet<string> = new Set()): MamResult | null {
  const result = child(message, 'result', NS_MAM);
  if (result === undefined) return null;
  const from = message.attrs.from;
  if (from !== undefined && bareJid(from) !== ownBare && !rooms.has(bareJid(from))) return null;
  const forwarded = child(result, 'forwarded', NS_FORWARD);
  const inner = forwarded === undefined ? undefined : child(forwarded, 'message', NS_CLIENT);
  const stampText = forwarded === undefined ? undefined : child(forwarded, 'delay', NS_DELAY)?.attrs.stamp;
  const stamp = stampText === undefined ? NaN : Date.parse(stampText);
  if (inner === undefined || !result.attrs.id) return null;
  return { queryId: result.attrs.queryid ?? '', archiveId: result.attrs.id, inner, stamp: Number.isFinite(stamp) ? stamp : null };
}

export function buildMamQuery(iqId: string, queryId: string, after: string | null, max: number, to?: string): XmlElement {
  return el(
    'iq',
    NS_CLIENT,
    { type: 'set', id: iqId, to },
    el(
      'query',
      NS_MAM,
      { queryid: queryId },
      el('x', NS_DATA, { type: 'submit' }, el('field', NS_DATA, { var: 'FORM_TYPE', type: 'hidden' }, el('value', NS_DATA, {}, NS_MAM))),
      el('set', NS_RSM, {}, el('max', NS_RSM, {}, String(max)), after === null ? null : el('after', NS_RSM, {}, after)),
    ),
  );
}

export function buildAdminCommand(to: string, id: string, action: AdminAction): XmlElement {
  return el('message', NS_CLIENT, { to, id, type: 'normal' }, el('command', NS_ADMIN, { action, id }), el('no-store', NS_HINTS));
}

export function buildAdminAck(to: string, id: string, commandId: string, outcome: 'ok' | 'failed'): XmlElement {
  return el('message', NS_CLIENT, { to, id, type: 'normal' }, el('ack', NS_ADMIN, { id: commandId, outcome }), el('no-store', NS_HINTS));
}

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';

/** Join without the room's own history replay: history comes from the room's archive (MAM). */
export const buildJoin = (roomJid: string, nick: string): XmlElement =>
  el('presence', NS_CLIENT, { to: `${roomJid}/${nick}` }, el('x', NS_MUC, {}, el('history', NS_MUC, { maxstanzas: 0 })));

export const buildLeave = (roomJid: string, nick: string): XmlElement =>
  el('presence', NS_CLIENT, { to: `${roomJid}/${nick}`, type: 'unavailable' });

/** Submit a room configuration form (XEP-0045 §10.2) with these fields. */
export const buildRoomConfig = (roomJid: string, id: string, fields: ReadonlyArray<readonly [string, string]>): XmlElement =>
  el(
    'iq',
    NS_CLIENT,
    { type: 'set', to: roomJid, id },
    el(
      'query',
      NS_MUC_OWNER,
      {},
      el(
        'x',
        NS_DATA,
        { type: 'submit' },
        ...[['FORM_TYPE', 'http://jabber.org/protocol/muc#roomconfig'] as const, ...fields].map(([name, value]) =>
          el('field', NS_DATA, { var: name }, el('value', NS_DATA, {}, value)),
        ),
      ),
    ),
  );

/** Accept the default configuration of a room we just created, made persistent so its archive stays. */
export const buildInstantRoomConfig = (roomJid: string, id: string): XmlElement => buildRoomConfig(roomJid, id, [['muc#roomconfig_persistentroom', '1']]);

export interface OccupantPresence {
  readonly room: string;
  readonly nick: string;
  readonly available: boolean;
  readonly realJid: string | null;
  readonly role: string | null;
  readonly self: boolean;
  readonly created: boolean;
  /** Our own departure was not ours: kicked (307), banned (301) or no longer a member (321). */
  readonly removed: boolean;
}

export function parseOccupant(presence: XmlElement): OccupantPresence | null {
  const x = child(presence, 'x', NS_MUC_USER);
  const from = presence.attrs.from ?? '';
  const slash = from.indexOf('/');
  if (x === undefined || slash === -1) return null;
  const item = child(x, 'item', NS_MUC_USER);
  const codes = statusCodes(x);
  return {
    room: bareJid(from),
    nick: from.slice(slash + 1),
    available: presence.attrs.type !== 'unavailable',
    realJid: item?.attrs.jid ? bareJid(item.attrs.jid).slice(0, LIMITS.jid) : null,
    role: wireField(item?.attrs.role, LIMITS.role),
    self: codes.has('110'),
    created: codes.has('201'),
    removed: codes.has('307') || codes.has('301') || codes.has('321'),
  };
}

/** A room's MUC status codes (XEP-0045 §15.6) on one presence. */
function statusCodes(x: XmlElement): Set<string | undefined> {
  return new Set(x.children.flatMap((c) => (typeof c !== 'string' && c.name === 'status' ? [c.attrs.code] : [])));
}

/** A room presence that keeps us out for good: banned (301), no longer a member (321), or the room destroyed. */
export function isExcluded(presence: XmlElement): boolean {
  const x = child(presence, 'x', NS_MUC_USER);
  if (x === undefined) return false;
  const codes = statusCodes(x);
  return codes.has('301') || codes.has('321') || child(x, 'destroy', NS_MUC_USER) !== undefined;
}

function parseAttachment(message: XmlElement, meta: XmlElement | undefined): ParsedChat['attachment'] {
  const oob = child(message, 'x', 'jabber:x:oob');
  const url = oob === undefined ? undefined : childText(oob, 'url', 'jabber:x:oob');
  if (url === undefined || url.length > 2000) return null;
  let fromPath = '';
  try {
    fromPath = decodeURIComponent(url.split('/').pop() ?? '');
  } catch {
    // A malformed escape: no name from the address.
  }
  const size = Number(meta?.attrs.size);
  const mime = meta?.attrs.mime ?? '';
  return {
    url,
    fileName: wireField(meta?.attrs.fname ?? fromPath, LIMITS.fileName) ?? 'attachment',
    mime: mime.length <= LIMITS.mime && /^[\w.+-]+\/[\w.+-]+$/.test(mime) ? mime : 'application/octet-stream',
    size: Number.isInteger(size) && size >= 0 ? size : -1,
  };
}
