import crypto from 'node:crypto';
import { FailureCode, type ConversationSummary, type DeliveryState, type StateEvent } from '../../shared/contract/patient-gateway.ts';
import { buildStateMessage } from '../../node-shared/xmpp/patient-commands.ts';
import type { ConversationRow } from '../store/gateway-store.ts';
import type { GatewayContext, Recipient } from './context.ts';
import { linkState, mintLink } from './links.ts';

const ORDER: readonly DeliveryState[] = ['queued', 'notified', 'delivered', 'opened', 'verified', 'read'];

export function contactHint(c: ConversationRow): string {
  if (c.channel === 'sms') return `•••• ${(c.phone ?? '').slice(-4)}`;
  const [user = '', domain = ''] = (c.email ?? '').split('@');
  return `${user.slice(0, 1)}•••@${domain}`;
}

export const recipientOf = (c: ConversationRow): Recipient =>
  c.channel === 'sms' ? { channel: 'sms', phone: c.phone ?? '' } : { channel: 'email', email: c.email ?? '' };

export async function summary(ctx: GatewayContext, c: ConversationRow): Promise<ConversationSummary> {
  const address = c.channel === 'sms' ? c.phone : c.email;
  return {
    conversationId: c.id,
    room: c.room,
    name: c.name,
    channel: c.channel,
    contactHint: contactHint(c),
    locale: c.locale,
    status: c.status,
    assignee: c.assignee,
    waitingFor: c.waitingFor,
    link: linkState(ctx, c, ctx.store.latestLink(c.id)),
    optedOut: address === null ? false : await ctx.notifier.isOptedOut(c.channel, address),
    createdAt: c.createdAt,
    lastActivityAt: c.lastActivityAt,
  };
}

export function postState(ctx: GatewayContext, room: string, event: StateEvent): void {
  ctx.xmpp.roomSend(buildStateMessage(room, `st-${crypto.randomUUID()}`, event));
}

export async function postConversation(ctx: GatewayContext, c: ConversationRow): Promise<ConversationSummary> {
  const s = await summary(ctx, c);
  postState(ctx, c.room, { kind: 'conversation', conversation: s });
  return s;
}

/** Moves one staff message's patient-side state (never backwards, except to a failure) and tells the room. */
export function setState(
  ctx: GatewayContext,
  c: ConversationRow,
  messageId: string,
  state: DeliveryState,
  code: FailureCode | null = null,
  until: number | null = null,
): void {
  const m = ctx.store.message(c.id, messageId);
  if (m === null || m.author !== 'staff') return;
  if (state !== 'failed' && state !== 'queued' && ORDER.indexOf(state) <= ORDER.indexOf(m.state) && m.state !== 'failed') return;
  const at = ctx.now();
  ctx.store.setMessageState(c.id, messageId, state, at, code, until);
  postState(ctx, c.room, { kind: 'message', conversationId: c.id, state: { messageId, state, at, code, until } });
}

/** The patient reached a step (opened the link, verified, saw the thread): every earlier staff message moves up to it. */
export function patientReached(ctx: GatewayContext, c: ConversationRow, state: 'opened' | 'verified' | 'read'): void {
  for (const m of ctx.store.messages(c.id, 500)) {
    if (m.author === 'staff' && m.state !== 'failed' && ORDER.indexOf(m.state) < ORDER.indexOf(state)) setState(ctx, c, m.id, state);
  }
}

const asFailure = (failure: string): FailureCode => {
  const parsed = FailureCode.safeParse(failure);
  return parsed.success ? parsed.data : 'provider_rejected';
};

/**
 * Tells the patient there is something to read: a fresh link by SMS or e-mail (no PHI), unless one
 * went out within the coalescing window. Quiet hours queue it; failures reach staff as codes.
 * `messageIds` are the staff messages this notification covers.
 */
export async function notifyPatient(ctx: GatewayContext, c: ConversationRow, messageIds: readonly string[], force = false): Promise<void> {
  if (!force && linkIsFresh(ctx, c)) {
    for (const id of messageIds) setState(ctx, c, id, 'notified');
    return;
  }
  const link = mintLink(ctx, c.id);
  const result = await ctx.notifier.send(recipientOf(c), { clinicName: ctx.clinicName, link: link.url, locale: c.locale });
  if (result.status === 'sent') {
    if (result.providerId !== '') ctx.store.setProviderId(link.tokenHash, result.providerId);
    ctx.audit.record('patient.notify', null, [c.id, `channel:${result.channel}`], 'ok');
    for (const id of messageIds) setState(ctx, c, id, 'notified');
  } else if (result.status === 'queued') {
    const until = Date.parse(result.until);
    ctx.store.revokeLinks(c.id); // the queued notification mints its own link when it goes out
    ctx.store.schedule(c.id, until);
    ctx.audit.record('patient.notify', null, [c.id, `channel:${result.channel}`], 'ok', 'quiet_hours_until');
    for (const id of messageIds) setState(ctx, c, id, 'queued', 'quiet_hours_until', until);
  } else {
    ctx.store.revokeLinks(c.id);
    const code = asFailure(result.failure);
    ctx.audit.record('patient.notify', null, [c.id], 'failed', code);
    ctx.log.warn('notify.failed', { code });
    for (const id of messageIds) setState(ctx, c, id, 'failed', code);
  }
}

/** A link went out within the coalescing window and still works: no new notification is needed. */
export function linkIsFresh(ctx: GatewayContext, c: ConversationRow): boolean {
  const latest = ctx.store.latestLink(c.id);
  return latest !== null && !latest.revoked && ctx.now() - latest.createdAt < ctx.policy.notifyCoalesceMs && linkState(ctx, c, latest) === 'active';
}

/** Sends what quiet hours held back, once they are over. */
export async function sendDue(ctx: GatewayContext): Promise<void> {
  for (const { conversationId } of ctx.store.due(ctx.now())) {
    ctx.store.unschedule(conversationId);
    const c = ctx.store.conversation(conversationId);
    if (c === null) continue;
    const queued = ctx.store.messages(c.id, 500).filter((m) => m.author === 'staff' && m.state === 'queued').map((m) => m.id);
    await notifyPatient(ctx, c, queued, true);
  }
}

/** The SMS provider confirmed (or refused) delivery of a notification. */
export function providerStatus(ctx: GatewayContext, update: { providerId: string; state: 'sent' | 'delivered' | 'failed'; failure?: string }): void {
  const id = ctx.store.conversationOfProviderId(update.providerId);
  const c = id === null ? null : ctx.store.conversation(id);
  if (c === null || update.state === 'sent') return;
  for (const m of ctx.store.messages(c.id, 500)) {
    if (m.author !== 'staff' || m.state !== 'notified') continue;
    if (update.state === 'delivered') setState(ctx, c, m.id, 'delivered');
    else setState(ctx, c, m.id, 'failed', asFailure(update.failure ?? 'provider_rejected'));
  }
}
