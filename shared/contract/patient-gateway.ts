import { z } from 'zod';

/**
 * The protocol between staff clients and the patient gateway (gateway/), over the clinic's XMPP
 * server. Both sides validate every payload with these schemas; keep it stable (add, never rename).
 *
 * Design. The gateway is an XEP-0114 component at `patients.<domain>`. Each patient conversation
 * is one members-only, persistent, archived, non-anonymous MUC room created and owned by the
 * gateway, with the front-desk team (gateway config) as members: the conversation belongs to the
 * team, its history lives in the server's archive like any team room, and claim/assign only says
 * who is handling it. In the room the gateway speaks for the patient under the nick
 * PATIENT_NICK (its real JID, visible to members, is the component address: that is how a client
 * tells a patient's message from a colleague's). A staff message in the room (type groupchat, with
 * a body) is relayed to the patient unless it carries `<note xmlns=NS_PATIENT/>`: internal notes
 * are never relayed. Control goes through XEP-0050 ad-hoc commands addressed to the component;
 * the payload of a request and of its result is one XEP-0335 JSON container
 * (`<json xmlns='urn:xmpp:json:0'>…</json>`) inside `<command/>`, validated by the schemas below.
 * Only the team may run commands (anyone else gets an IQ error `forbidden`).
 * State changes reach staff as messages from the gateway into the room: no body, one
 * `<state xmlns=NS_PATIENT>` child holding a JSON container with a StateEvent, and a `store`
 * hint so the room archive keeps them; a client that was offline catches up from the archive or
 * with the `list` and `states` commands.
 */

export const NS_PATIENT = 'urn:sealwire:patient:0';
export const NS_JSON = 'urn:xmpp:json:0';
export const NS_COMMANDS = 'http://jabber.org/protocol/commands';
/** The nick under which the gateway speaks for the patient in every conversation room. */
export const PATIENT_NICK = 'Patient';

/** The component's address for an organisation's XMPP domain. */
export const patientGatewayAddress = (domain: string): string => `patients.${domain.toLowerCase()}`;

/** XEP-0050 command nodes. `claim` is `assign` to oneself; `close`/`reopen` are one command each. */
export const COMMAND = {
  create: `${NS_PATIENT}#create`,
  resend: `${NS_PATIENT}#resend`,
  revoke: `${NS_PATIENT}#revoke`,
  close: `${NS_PATIENT}#close`,
  reopen: `${NS_PATIENT}#reopen`,
  assign: `${NS_PATIENT}#assign`,
  list: `${NS_PATIENT}#list`,
  states: `${NS_PATIENT}#states`,
} as const;
export type CommandName = keyof typeof COMMAND;

/** Defaults the gateway's policy may change. */
export const PATIENT_DEFAULTS = {
  linkTtlMs: 7 * 24 * 3_600_000,
  sessionIdleMs: 15 * 60_000,
  maxAttempts: 5,
  codeTtlMs: 10 * 60_000,
  /** Link tokens carry 256 random bits (the floor is 128); only their hash is stored. */
  tokenBytes: 32,
} as const;

export const MAX_PATIENT_TEXT = 4_000;

const Jid = z.string().min(3).max(3071);
const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const Time = z.number().int().nonnegative();

export const PatientLocale = z.enum(['en', 'es']);
export type PatientLocale = z.infer<typeof PatientLocale>;
export const Channel = z.enum(['sms', 'email']);
export type Channel = z.infer<typeof Channel>;
/** How the patient proves who they are on the page (gateway policy; `both` is the default). */
export const VerifyPolicy = z.enum(['dob', 'code', 'both']);
export type VerifyPolicy = z.infer<typeof VerifyPolicy>;

/** E.164: plus, country code, up to 15 digits (clients check it properly with libphonenumber-js). */
export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/);
export const Email = z.string().max(254).email();
/** A calendar date, YYYY-MM-DD, that exists, from 1900 up to today (checked by isPastDate). */
export const DateOfBirth = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isPastDate, 'not a date of birth');

export function isPastDate(text: string, now: number = Date.now()): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return y >= 1900 && back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && t <= now;
}

export const Consent = z.strictObject({
  given: z.literal(true),
  /** Bare JID of the staff member who recorded it; must be the command's sender. */
  recordedBy: Jid,
  method: z.enum(['verbal', 'written', 'electronic']),
});

export const CreateRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    phone: E164.optional(),
    email: Email.optional(),
    dateOfBirth: DateOfBirth,
    consent: Consent,
    channel: Channel,
    locale: PatientLocale,
  })
  .refine((r) => (r.channel === 'sms' ? r.phone !== undefined : r.email !== undefined), {
    message: 'the chosen channel needs its address',
    path: ['channel'],
  });
export type CreateRequest = z.infer<typeof CreateRequest>;

export const ConversationRef = z.strictObject({ conversationId: Id });
export type ConversationRef = z.infer<typeof ConversationRef>;
export const AssignRequest = z.strictObject({ conversationId: Id, assignee: Jid.nullable() });
export type AssignRequest = z.infer<typeof AssignRequest>;
export const ListRequest = z.strictObject({ status: z.enum(['open', 'closed', 'all']).default('open') });
export type ListRequest = z.infer<typeof ListRequest>;

export const LinkState = z.enum(['none', 'active', 'expired', 'revoked', 'locked']);
export type LinkState = z.infer<typeof LinkState>;

export const ConversationSummary = z.strictObject({
  conversationId: Id,
  room: Jid,
  name: z.string().max(200),
  channel: Channel,
  /** Masked address for display ("•••• 4567", "j•••@example.org"); the full one stays in the gateway. */
  contactHint: z.string().max(300),
  locale: PatientLocale,
  status: z.enum(['open', 'closed']),
  assignee: Jid.nullable(),
  /** Who owes the next message: the patient replied last ('staff') or staff wrote last ('patient'). */
  waitingFor: z.enum(['staff', 'patient']).nullable(),
  link: LinkState,
  optedOut: z.boolean(),
  createdAt: Time,
  lastActivityAt: Time,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/**
 * Why a message could not reach the patient (or is waiting). Includes every failure of
 * gateway/notify (NOTIFY_FAILURES) so a provider's answer reaches staff unchanged.
 */
export const FailureCode = z.enum([
  'opted_out',
  'invalid_number',
  'invalid_email',
  'quiet_hours_until',
  'locked',
  'closed',
  'no_consent',
  'no_channel',
  'provider_rejected',
  'auth_failed',
  'unreachable',
  'tls_failed',
  'invalid_message',
]);
export type FailureCode = z.infer<typeof FailureCode>;

/** Patient-side states of one staff message, in the order they normally happen. */
export const DeliveryState = z.enum(['queued', 'notified', 'delivered', 'opened', 'verified', 'read', 'failed']);
export type DeliveryState = z.infer<typeof DeliveryState>;

export const MessageState = z.strictObject({
  /** The staff message's stanza id (its `id` attribute, equal to its origin-id). */
  messageId: z.string().min(1).max(200),
  state: DeliveryState,
  at: Time,
  /** With `failed` (and with `queued`: quiet_hours_until). */
  code: FailureCode.nullable(),
  /** With quiet_hours_until: when the notification goes out. */
  until: Time.nullable(),
});
export type MessageState = z.infer<typeof MessageState>;

export const StateEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('message'), conversationId: Id, state: MessageState }),
  z.strictObject({ kind: z.literal('conversation'), conversation: ConversationSummary }),
]);
export type StateEvent = z.infer<typeof StateEvent>;

export const CommandErrorCode = z.enum([
  'invalid',
  'forbidden',
  'not_found',
  'opted_out',
  'no_consent',
  'closed',
  'unavailable',
]);
export type CommandErrorCode = z.infer<typeof CommandErrorCode>;
export const CommandError = z.strictObject({ code: CommandErrorCode, field: z.string().max(100).nullable() });
export type CommandError = z.infer<typeof CommandError>;

const result = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), value }), z.strictObject({ ok: z.literal(false), error: CommandError })]);

/** Request and result schema of every command, by name. */
export const COMMANDS = {
  create: { request: CreateRequest, result: result(ConversationSummary) },
  /** A new link to the patient (the old ones stop working) and the lock on this conversation lifted. */
  resend: { request: ConversationRef, result: result(ConversationSummary) },
  revoke: { request: ConversationRef, result: result(ConversationSummary) },
  close: { request: ConversationRef, result: result(ConversationSummary) },
  reopen: { request: ConversationRef, result: result(ConversationSummary) },
  assign: { request: AssignRequest, result: result(ConversationSummary) },
  list: { request: ListRequest, result: result(z.array(ConversationSummary).max(10_000)) },
  states: { request: ConversationRef, result: result(z.array(MessageState).max(10_000)) },
} as const satisfies Record<CommandName, { request: z.ZodType; result: z.ZodType }>;

export type CommandRequest<N extends CommandName> = z.input<(typeof COMMANDS)[N]['request']>;
export type CommandResult<N extends CommandName> = z.infer<(typeof COMMANDS)[N]['result']>;

/** The command name of a node, or null for a node that is not ours. */
export function commandOfNode(node: string): CommandName | null {
  for (const [name, value] of Object.entries(COMMAND)) if (value === node) return name as CommandName;
  return null;
}
