import crypto from 'node:crypto';
import { MAX_PATIENT_TEXT } from '../../shared/contract/patient-gateway.ts';
import { isInternalNote } from '../../node-shared/xmpp/patient-commands.ts';
import { bareJid, NS_HINTS, NS_SID } from '../../node-shared/xmpp/stanzas.ts';
import { LIMITS, wireText } from '../../node-shared/xmpp/wire-bounds.ts';
import { child, children, childText, el, NS_CLIENT, type XmlElement } from '../../node-shared/xmpp/xml.ts';
import type { ConversationRow, MessageRow } from '../store/gateway-store.ts';
import type { GatewayContext } from './context.ts';
import { linkIsFresh, notifyPatient, postConversation, setState } from './delivery.ts';

/**
 * A staff message in a conversation room. Internal notes (NS_PATIENT <note/>) and state events
 * stay in the room; anything else with a body is kept for the patient's page and the patient is
 * notified. Only team members' messages are relayed (the room is members-only; this checks again).
 */
export async function onStaffMessage(ctx: GatewayContext, room: string, senderJid: string | null, message: XmlElement): Promise<void> {
  const c = ctx.store.conversationByRoom(room);
  if (c === null) return;
  const id = acceptStaffMessage(ctx, c, senderJid, message);
  if (id !== null) await notifyPatient(ctx, c, [id], true);
}

/**
 * Keeps one staff message (once: a message id already stored is a redelivery and does nothing),
 * in one commit with its audit record and, when the link sent earlier is still fresh, its
 * 'notified' state. Returns the message's id when the patient still has to be notified.
 */
export function acceptStaffMessage(ctx: GatewayContext, c: ConversationRow, senderJid: string | null, message: XmlElement): string | null {
  const body = childText(message, 'body', NS_CLIENT);
  if (body === undefined || isInternalNote(message)) return null;
  const sender = senderJid === null ? null : bareJid(senderJid);
  if (sender === null || !ctx.team.has(sender)) {
    ctx.log.warn('relay.not_team', {});
    return null;
  }
  // The same message read live and again from the archive gets the same id: its origin-id, its
  // id, or the room's archive id.
  const archiveId = children(message, 'stanza-id', NS_SID).find((s) => s.attrs['by'] === c.room)?.attrs['id'];
  const id = wireText(child(message, 'origin-id', NS_SID)?.attrs['id'] ?? message.attrs['id'] ?? archiveId ?? crypto.randomUUID(), LIMITS.id);
  const now = ctx.now();
  const text = wireText(body, MAX_PATIENT_TEXT, true);
  const row: MessageRow = { conversationId: c.id, id, author: 'staff', body: text, at: now, state: 'queued', stateAt: now, code: null, until: null };
  return ctx.store.transaction((): string | null => {
    if (!ctx.store.addMessage(row)) return null; // redelivered
    ctx.audit.record('patient.relay', sender, [c.id, `message:${id.slice(0, 64)}`], 'ok');
    if (c.status === 'closed') {
      setState(ctx, c, id, 'failed', 'closed');
      return null;
    }
    ctx.store.updateConversation(c.id, { waitingFor: 'patient', lastActivityAt: now });
    if (!linkIsFresh(ctx, c)) return id;
    setState(ctx, c, id, 'notified');
    return null;
  });
}

/** The patient's reply: kept, then said in the room by the gateway under the patient's nick. */
export async function onPatientReply(ctx: GatewayContext, c: ConversationRow, text: string): Promise<string> {
  const id = `pt-${crypto.randomUUID()}`;
  const now = ctx.now();
  const body = wireText(text, MAX_PATIENT_TEXT, true);
  ctx.store.transaction(() => {
    ctx.store.addMessage({ conversationId: c.id, id, author: 'patient', body, at: now, state: 'read', stateAt: now, code: null, until: null });
    ctx.store.updateConversation(c.id, { waitingFor: 'staff', status: 'open', lastActivityAt: now });
  });
  ctx.audit.record('patient.reply', null, [c.id, `message:${id}`], 'ok');
  ctx.xmpp.roomSend(
    el('message', NS_CLIENT, { to: c.room, type: 'groupchat', id }, el('body', NS_CLIENT, {}, body), el('origin-id', NS_SID, { id }), el('store', NS_HINTS)),
  );
  if (c.status === 'closed' || c.waitingFor !== 'staff') await postConversation(ctx, ctx.store.conversation(c.id) ?? c);
  return id;
}
