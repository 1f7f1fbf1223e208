import crypto from 'node:crypto';
import {
  COMMANDS,
  type CommandError,
  type CommandName,
  type CommandResult,
  type ConversationSummary,
  type CreateRequest,
} from '../../shared/contract/patient-gateway.ts';
import { buildCommandResult, readCommand } from '../../node-shared/xmpp/patient-commands.ts';
import { bareJid } from '../../node-shared/xmpp/stanzas.ts';
import type { XmlElement } from '../../node-shared/xmpp/xml.ts';
import type { ConversationRow } from '../store/gateway-store.ts';
import { iqError } from '../xmpp/xmpp-side.ts';
import type { GatewayContext } from './context.ts';
import { notifyPatient, postConversation, summary } from './delivery.ts';
import { addressKey, dobHash } from './links.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: CommandError };
const fail = (code: CommandError['code'], field: string | null = null): { ok: false; error: CommandError } => ({ ok: false, error: { code, field } });

/**
 * The XEP-0050 commands of shared/contract/patient-gateway.ts. Only the front-desk team may run
 * them; every one is audited with ids only (never the name, address or date of birth).
 */
export async function handleCommandIq(ctx: GatewayContext, iq: XmlElement): Promise<XmlElement> {
  const sender = bareJid(iq.attrs['from'] ?? '');
  const parsed = readCommand(iq);
  if (!parsed.ok) return iqError(iq, parsed.reason === 'bad-request' ? 'modify' : 'cancel', parsed.reason === 'bad-request' ? 'bad-request' : 'feature-not-implemented');
  if (!ctx.team.has(sender)) {
    ctx.audit.record(`patient.${parsed.name}`, sender.slice(0, 200), [], 'denied', 'forbidden');
    return iqError(iq, 'auth', 'forbidden');
  }
  const request = COMMANDS[parsed.name].request.safeParse(parsed.request);
  const result = request.success
    ? await run(ctx, sender, parsed.name, request.data)
    : fail('invalid', request.error.issues[0]?.path.join('.').slice(0, 100) ?? null);
  return buildCommandResult(iq, parsed.name, result as CommandResult<typeof parsed.name>);
}

async function run(ctx: GatewayContext, sender: string, name: CommandName, request: unknown): Promise<Outcome<unknown>> {
  switch (name) {
    case 'create':
      return create(ctx, sender, request as CreateRequest);
    case 'list': {
      const { status } = request as { status: 'open' | 'closed' | 'all' };
      ctx.audit.record('patient.list', sender, [`status:${status}`], 'ok');
      const rows = ctx.store.conversations(status).slice(0, 10_000);
      return { ok: true, value: await Promise.all(rows.map((c) => summary(ctx, c))) };
    }
    default:
      return onConversation(ctx, sender, name, request as { conversationId: string; assignee?: string | null });
  }
}

async function create(ctx: GatewayContext, sender: string, r: CreateRequest): Promise<Outcome<ConversationSummary>> {
  if (bareJid(r.consent.recordedBy) !== sender) return fail('no_consent', 'consent.recordedBy');
  const address = r.channel === 'sms' ? r.phone : r.email;
  if (address !== undefined && (await ctx.notifier.isOptedOut(r.channel, address))) {
    ctx.audit.record('patient.create', sender, [`channel:${r.channel}`], 'denied', 'opted_out');
    return fail('opted_out', r.channel === 'sms' ? 'phone' : 'email');
  }
  const id = crypto.randomBytes(12).toString('hex');
  const room = `patient-${id}@${ctx.mucDomain}`;
  try {
    // The room title is the conversation id: a room's name is visible to server admins and in disco.
    await ctx.xmpp.createRoom(room, `Patient conversation ${id.slice(0, 6)}`, [...ctx.team]);
  } catch (err) {
    ctx.log.error('room.create_failed', { reason: err instanceof Error ? err.message : 'unknown' });
    ctx.audit.record('patient.create', sender, [id], 'failed', 'room');
    return fail('unavailable');
  }
  const now = ctx.now();
  const salt = crypto.randomBytes(16);
  const row: ConversationRow = {
    id,
    room,
    name: r.name,
    phone: r.phone ?? null,
    email: r.email?.toLowerCase() ?? null,
    channel: r.channel,
    locale: r.locale,
    dobSalt: salt,
    dobHash: dobHash(ctx.pepper, salt, r.dateOfBirth),
    consentBy: sender,
    consentMethod: r.consent.method,
    consentAt: now,
    status: 'open',
    assignee: null,
    waitingFor: null,
    createdBy: sender,
    createdAt: now,
    lastActivityAt: now,
  };
  ctx.store.addConversation(row);
  ctx.audit.record('patient.create', sender, [id, `channel:${r.channel}`, `consent:${r.consent.method}`], 'ok');
  return { ok: true, value: await postConversation(ctx, row) };
}

async function onConversation(
  ctx: GatewayContext,
  sender: string,
  name: Exclude<CommandName, 'create' | 'list'>,
  r: { conversationId: string; assignee?: string | null },
): Promise<Outcome<unknown>> {
  const c = ctx.store.conversation(r.conversationId);
  if (c === null) return fail('not_found', 'conversationId');
  const event = `patient.${name}` as const;
  switch (name) {
    case 'states':
      ctx.audit.record(event, sender, [c.id], 'ok');
      return {
        ok: true,
        value: ctx.store
          .messages(c.id, 10_000)
          .filter((m) => m.author === 'staff')
          .map((m) => ({ messageId: m.id, state: m.state, at: m.stateAt, code: m.code, until: m.until })),
      };
    case 'resend': {
      if (c.status === 'closed') return fail('closed');
      // A new link; the old ones stop working and the attempt locks on this link and address lift.
      ctx.store.revokeLinks(c.id);
      ctx.store.resetAddress(addressKey(ctx, c));
      const pending = ctx.store.messages(c.id, 500).filter((m) => m.author === 'staff' && (m.state === 'failed' || m.state === 'queued')).map((m) => m.id);
      await notifyPatient(ctx, c, pending, true);
      break;
    }
    case 'revoke':
      ctx.store.revokeLinks(c.id);
      break;
    case 'close':
    case 'reopen':
      ctx.store.updateConversation(c.id, { status: name === 'close' ? 'closed' : 'open', lastActivityAt: ctx.now() });
      break;
    case 'assign': {
      const assignee = r.assignee === null || r.assignee === undefined ? null : bareJid(r.assignee);
      if (assignee !== null && !ctx.team.has(assignee)) return fail('invalid', 'assignee');
      ctx.store.updateConversation(c.id, { assignee });
      break;
    }
  }
  ctx.audit.record(event, sender, [c.id], 'ok');
  return { ok: true, value: await postConversation(ctx, ctx.store.conversation(c.id) ?? c) };
}
