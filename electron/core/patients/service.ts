import {
  PATIENT_NICK,
  type CommandError,
  type ConversationSummary,
  type MessageState,
} from '../../../shared/contract/patient-gateway.ts';
import type { PatientConversation, PatientEntry } from '../../../shared/contract/index.ts';
import { CoreError } from '../errors.ts';
import { isNoteId } from '../messaging/patient-notes.ts';
import type { StoredMessage } from '../store/store.ts';
import type { PatientTransport } from './transport.ts';

/**
 * The desktop side of patient conversations. The gateway owns the conversations (contact, link,
 * consent, who handles it); this service asks it through commands, keeps the team rooms joined,
 * and reads the messages from the local store like any room. Per-message patient-side states
 * come from the gateway's state events and its `states` command.
 */
export interface PatientServiceEvents {
  /** Something changed (a state, a reply, a claim): screens refetch. */
  changed(conversationId: string | null): void;
  /** A patient replied (the desktop notification says only "New patient reply"). */
  patientReplied(conversationId: string): void;
}

const COMMAND_ERRORS: Record<string, () => CoreError> = {
  invalid: () => new CoreError('invalid_request', 'The gateway could not accept that. Check what you entered.'),
  forbidden: () => new CoreError('unauthorized', 'Only the front-desk team may do that.'),
  not_found: () => new CoreError('not_found', 'That patient conversation no longer exists.'),
  opted_out: () => new CoreError('opted_out', 'This patient asked not to be contacted this way.'),
  no_consent: () => new CoreError('invalid_request', 'Consent to be contacted is not recorded.'),
  closed: () => new CoreError('conflict', 'The conversation is closed. Reopen it first.'),
  unavailable: () => new CoreError('network', 'The patient gateway is not available.'),
};

function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: CommandError }): T {
  if (!result.ok) throw (COMMAND_ERRORS[result.error.code] ?? COMMAND_ERRORS.unavailable!)();
  return result.value;
}

const ROOM_PAGE = 200;

export class PatientService {
  private readonly rooms = new Map<string, string>(); // room JID → conversation id
  private readonly states = new Map<string, MessageState>(); // staff message id → newest state
  private readonly offs: (() => void)[];
  private readonly transport: PatientTransport;
  private readonly events: PatientServiceEvents;

  constructor(transport: PatientTransport, events: PatientServiceEvents) {
    this.transport = transport;
    this.events = events;
    this.offs = [
      transport.onState((room, event) => {
        if (event.kind === 'message') this.noteState(event.state);
        else this.rooms.set(event.conversation.room, event.conversation.conversationId);
        this.events.changed(event.kind === 'message' ? event.conversationId : event.conversation.conversationId);
        void room;
      }),
      transport.onRoomMessage((message, fromPatient) => {
        const conversationId = this.conversationOfMessage(message);
        if (conversationId === null) return;
        this.keepOutOfChats(message.conversationId);
        this.events.changed(conversationId);
        if (fromPatient && message.direction === 'in') this.events.patientReplied(conversationId);
      }),
    ];
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  async list(status: 'open' | 'closed' | 'all'): Promise<PatientConversation[]> {
    const summaries = valueOf(await this.transport.command('list', { status }));
    for (const s of summaries) this.rooms.set(s.room, s.conversationId);
    // Open conversations' rooms are joined so replies arrive while the list is shown; failures are retried next time.
    for (const s of summaries) if (s.status === 'open') this.transport.ensureJoined(s.room).catch(() => undefined);
    return summaries.map((s) => this.view(s));
  }

  async create(request: {
    name: string;
    phone?: string | undefined;
    email?: string | undefined;
    dateOfBirth: string;
    consentMethod: 'verbal' | 'written' | 'electronic';
    channel: 'sms' | 'email';
    language: 'en' | 'es';
    firstMessage: string;
  }): Promise<PatientConversation> {
    const summary = valueOf(
      await this.transport.command('create', {
        name: request.name,
        ...(request.phone === undefined ? {} : { phone: request.phone }),
        ...(request.email === undefined ? {} : { email: request.email }),
        dateOfBirth: request.dateOfBirth,
        consent: { given: true, recordedBy: this.transport.me, method: request.consentMethod },
        channel: request.channel,
        locale: request.language,
      }),
    );
    this.rooms.set(summary.room, summary.conversationId);
    await this.join(summary.room);
    this.transport.sendToRoom(summary.room, request.firstMessage, false);
    return this.view(summary);
  }

  async thread(conversationId: string): Promise<{ conversation: PatientConversation; entries: PatientEntry[] }> {
    const summary = await this.summary(conversationId);
    await this.join(summary.room);
    const states = valueOf(await this.transport.command('states', { conversationId }));
    for (const s of states) this.noteState(s);
    const { store } = this.transport;
    const room = store.findConversation('room', summary.room);
    const messages = room === null ? [] : store.messagesPage(room.id, { limit: ROOM_PAGE }).messages;
    const entries = messages.filter((m) => m.body !== '').map((m) => this.entry(m, summary.room));
    const last = messages.at(-1);
    if (room !== null && last !== undefined && room.unreadCount > 0) store.markRead(room.id, last.id);
    return { conversation: this.view(summary, 0), entries };
  }

  async send(conversationId: string, body: string, note: boolean): Promise<PatientEntry> {
    const summary = await this.summary(conversationId);
    if (!note && summary.status === 'closed') throw COMMAND_ERRORS.closed!();
    await this.join(summary.room);
    const stored = this.transport.sendToRoom(summary.room, body, note);
    this.events.changed(conversationId);
    return this.entry(stored, summary.room);
  }

  async assign(conversationId: string, assignee: string | null): Promise<PatientConversation> {
    return this.view(valueOf(await this.transport.command('assign', { conversationId, assignee })));
  }

  async setStatus(conversationId: string, status: 'open' | 'closed'): Promise<PatientConversation> {
    const name = status === 'closed' ? 'close' : 'reopen';
    return this.view(valueOf(await this.transport.command(name, { conversationId })));
  }

  async resendLink(conversationId: string): Promise<PatientConversation> {
    return this.view(valueOf(await this.transport.command('resend', { conversationId })));
  }

  private async summary(conversationId: string): Promise<ConversationSummary> {
    const all = valueOf(await this.transport.command('list', { status: 'all' }));
    for (const s of all) this.rooms.set(s.room, s.conversationId);
    const found = all.find((s) => s.conversationId === conversationId);
    if (found === undefined) throw COMMAND_ERRORS.not_found!();
    return found;
  }

  private async join(room: string): Promise<void> {
    try {
      await this.transport.ensureJoined(room);
    } catch (err) {
      throw new CoreError('network', 'The patient conversation could not be opened. Try again.', { cause: err });
    }
  }

  private noteState(state: MessageState): void {
    const known = this.states.get(state.messageId);
    if (known === undefined || known.at <= state.at) this.states.set(state.messageId, state);
  }

  /** A local conversation is one of the patient conversation rooms this service knows. */
  isPatientConversation(localId: number): boolean {
    const room = this.transport.store.getConversation(localId);
    return room !== null && this.rooms.has(room.jid);
  }

  private conversationOfMessage(message: StoredMessage): string | null {
    const room = this.transport.store.getConversation(message.conversationId);
    return room === null ? null : (this.rooms.get(room.jid) ?? null);
  }

  /**
   * A patient conversation lives in the Patients section only: its room is archived in the local
   * store so the chat inbox neither lists it nor counts its unread messages twice.
   */
  private keepOutOfChats(localId: number): void {
    const local = this.transport.store.getConversation(localId);
    if (local !== null && !local.archived) this.transport.store.setConversationFlags(local.id, { archived: true });
  }

  private view(s: ConversationSummary, unreadOverride?: number): PatientConversation {
    const local = this.transport.store.findConversation('room', s.room);
    if (local !== null) this.keepOutOfChats(local.id);
    return {
      conversationId: s.conversationId,
      name: s.name,
      channel: s.channel,
      contactHint: s.contactHint,
      language: s.locale,
      status: s.status,
      assignee: s.assignee,
      waitingFor: s.waitingFor,
      link: s.link,
      optedOut: s.optedOut,
      unread: unreadOverride ?? local?.unreadCount ?? 0,
      lastActivityAt: Math.max(s.lastActivityAt, local?.lastActivity ?? 0),
    };
  }

  private entry(m: StoredMessage, room: string): PatientEntry {
    const note = isNoteId(m.clientId);
    const patient = m.direction === 'in' && m.senderJid === `${room}/${PATIENT_NICK}`;
    const author = patient ? 'patient' : m.direction === 'out' ? 'me' : 'colleague';
    const state = patient || note ? undefined : this.states.get(m.clientId);
    const delivery = patient || note ? null : (state?.state ?? (m.state === 'queued' ? 'sending' : m.state === 'failed' ? 'failed' : 'queued'));
    return {
      id: m.id,
      author,
      sender: author === 'colleague' ? m.senderJid.slice(room.length + 1) : null,
      body: m.body,
      sentAt: m.sentAt,
      note,
      delivery,
      failure: state?.code ?? null,
      until: state?.until ?? null,
    };
  }
}
