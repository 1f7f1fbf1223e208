import { z } from 'zod';
import { AUDIT_REFRESH_MS, defineMethod } from './define.ts';
import { ConversationSummary, FailureCode } from './patient-gateway.ts';

/**
 * Patient conversations in the desktop app (issue 10). Core talks to the patient gateway over the
 * protocol in patient-gateway.ts (ad-hoc commands to `patients.<domain>`, one team room per
 * conversation); the renderer sees only these methods. Every method touches PHI (a patient's
 * name, contact, messages) and is audited; ids are the gateway's conversation ids (opaque), so the
 * audit records `conversation:<id>` and never a name.
 */

/** The gateway's conversation id (opaque, URL-safe). */
const ConversationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const Jid = z.string().min(3).max(3071);
const Time = z.number().int().min(0).max(8.64e15);

export const PatientChannel = z.enum(['sms', 'email']);
export const PatientLanguage = z.enum(['en', 'es']);

/** Why a message could not reach the patient (the renderer says it in plain words): the gateway's codes. */
export const PatientFailure = FailureCode;
export type PatientFailure = z.infer<typeof PatientFailure>;

/** Patient-side state of one staff message, in the order they normally happen. */
export const PatientDelivery = z.enum(['sending', 'queued', 'notified', 'delivered', 'opened', 'verified', 'read', 'failed']);
export type PatientDelivery = z.infer<typeof PatientDelivery>;

/**
 * A conversation as the Patients section shows it: the gateway's summary (the masked contact only,
 * never the full address), without the room address, plus this workstation's unread count.
 */
export const PatientConversation = ConversationSummary.omit({ room: true, createdAt: true, locale: true }).extend({
  language: PatientLanguage,
  unread: z.number().int().nonnegative(),
});
export type PatientConversation = z.infer<typeof PatientConversation>;

export const PatientEntry = z.strictObject({
  /** The local message id (stable while the thread is open). */
  id: z.number().int().positive(),
  author: z.enum(['patient', 'me', 'colleague']),
  /** A colleague's name in the conversation room (null for the patient and for yourself). */
  sender: z.string().max(1023).nullable(),
  body: z.string().max(100_000),
  sentAt: Time,
  /** Internal note: staff only, never relayed to the patient. */
  note: z.boolean(),
  /** For staff messages to the patient: how far it got (null for notes and patient messages). */
  delivery: PatientDelivery.nullable(),
  failure: PatientFailure.nullable(),
  /** With quiet_hours_until: when the notification goes out. */
  until: Time.nullable(),
});
export type PatientEntry = z.infer<typeof PatientEntry>;

export const PatientTemplate = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().trim().min(1).max(80),
  text: z.string().trim().min(1).max(1000),
  /** The patient's language the text is written in (the picker offers the conversation's language). */
  language: PatientLanguage,
  /** 'organisation': managed (read-only here); 'personal': this staff member's own. */
  source: z.enum(['organisation', 'personal']),
});
export type PatientTemplate = z.infer<typeof PatientTemplate>;

/** Calendar date YYYY-MM-DD (the gateway checks that it exists and is in the past). */
const DateOfBirth = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const summary = z.strictObject({ conversation: PatientConversation });
const ref = z.strictObject({ conversationId: ConversationId });

export const patientsMethods = {
  /** The team's shared inbox. Also how the screen refreshes: one record per quarter hour. */
  'patients.list': defineMethod({
    request: z.strictObject({ status: z.enum(['open', 'closed', 'all']) }),
    response: z.strictObject({ conversations: z.array(PatientConversation).max(10_000) }),
    access: 'phi',
    audit: { event: 'patient.list', refreshMs: AUDIT_REFRESH_MS },
  }),
  /** A new patient conversation: consent recorded by the caller, first message sent with it. */
  'patients.create': defineMethod({
    request: z.strictObject({
      name: z.string().trim().min(1).max(200),
      phone: z.string().regex(/^\+[1-9]\d{6,14}$/).optional(),
      email: z.string().max(254).optional(),
      dateOfBirth: DateOfBirth,
      consent: z.literal(true),
      consentMethod: z.enum(['verbal', 'written', 'electronic']),
      channel: PatientChannel,
      language: PatientLanguage,
      firstMessage: z.string().trim().min(1).max(4000),
    }),
    response: summary,
    access: 'phi',
    audit: { event: 'patient.create' },
  }),
  'patients.thread': defineMethod({
    request: ref,
    response: z.strictObject({ entries: z.array(PatientEntry).max(5000), conversation: PatientConversation }),
    access: 'phi',
    audit: { event: 'patient.open', refreshMs: AUDIT_REFRESH_MS },
  }),
  /** A message to the patient, or with `note` an internal note that stays with staff. */
  'patients.send': defineMethod({
    request: z.strictObject({ conversationId: ConversationId, body: z.string().trim().min(1).max(4000), note: z.boolean() }),
    response: z.strictObject({ entry: PatientEntry }),
    access: 'phi',
    audit: { event: 'patient.send' },
  }),
  /** Claim (assignee = yourself), hand over (a colleague) or release (null). */
  'patients.assign': defineMethod({
    request: z.strictObject({ conversationId: ConversationId, assignee: Jid.nullable() }),
    response: summary,
    access: 'phi',
    audit: { event: 'patient.assign' },
  }),
  'patients.setStatus': defineMethod({
    request: z.strictObject({ conversationId: ConversationId, status: z.enum(['open', 'closed']) }),
    response: summary,
    access: 'phi',
    audit: { event: 'patient.status' },
  }),
  /** A fresh link for the patient (old ones stop working; a locked link opens again). */
  'patients.resendLink': defineMethod({
    request: ref,
    response: summary,
    access: 'phi',
    audit: { event: 'patient.link' },
  }),
  'patients.templates': defineMethod({
    request: z.strictObject({}),
    response: z.strictObject({ templates: z.array(PatientTemplate).max(200) }),
    access: 'session',
    audit: null,
  }),
  /** Saves (or with an existing id, replaces) a personal template. */
  'patients.saveTemplate': defineMethod({
    request: z.strictObject({
      id: PatientTemplate.shape.id.optional(),
      title: PatientTemplate.shape.title,
      text: PatientTemplate.shape.text,
      language: PatientLanguage,
    }),
    response: z.strictObject({ template: PatientTemplate }),
    access: 'session',
    audit: null,
  }),
  'patients.deleteTemplate': defineMethod({
    request: z.strictObject({ id: PatientTemplate.shape.id }),
    response: z.strictObject({}),
    access: 'session',
    audit: null,
  }),
};

export const patientsEvents = {
  /** Something changed in the patient inbox (a reply, a state, a claim): screens refetch. No PHI. */
  'patients.changed': z.strictObject({ conversationId: ConversationId.nullable() }),
  /** A patient replied: main shows "New patient reply" (nothing else) when the window is not in front. */
  'patients.replied': z.strictObject({ conversationId: ConversationId }),
};
