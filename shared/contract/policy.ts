import { z } from 'zod';
import { defineMethod } from './define.ts';
import { choice, defaultsOf, flag, integer, list, optionalInteger, ORGANISATION_KEYS, shapeOf } from './managed-keys.ts';

/**
 * Every security setting, with its safe built-in default. Layers (server, machine, user) may only
 * tighten: each key says which direction is stricter, so the merge is one generic loop.
 */
export const POLICY_KEYS = {
  idleTimeoutMinutes: integer({ category: 'session', doc: 'Minutes of inactivity before the session locks; 0 locks as soon as focus is lost.', min: 0, max: 60, default: 10, stricter: 'lower', unit: 'minutes' }),
  maxSessionHours: integer({ category: 'session', doc: 'Hours after which a full sign-in (password) is required again.', min: 1, max: 12, default: 12, stricter: 'lower', unit: 'hours' }),
  quickUnlockHours: integer({ category: 'session', doc: 'Hours a PIN may unlock after a full sign-in; 0 disables quick unlock.', min: 0, max: 12, default: 12, stricter: 'lower', unit: 'hours' }),
  minPinLength: integer({ category: 'session', doc: 'Shortest quick-unlock PIN accepted.', min: 4, max: 12, default: 6, stricter: 'higher', unit: 'digits' }),
  kiosk: flag({ category: 'device', doc: 'Kiosk terminals: no other apps, shorter timeout, sign-out (not lock) on idle.', default: false, stricter: 'true' }),
  kioskIdleTimeoutMinutes: integer({ category: 'device', doc: 'Idle timeout on kiosk terminals.', min: 0, max: 60, default: 2, stricter: 'lower', unit: 'minutes' }),
  minPasswordLength: integer({ category: 'session', doc: 'Shortest password accepted.', min: 10, max: 128, default: 10, stricter: 'higher', unit: 'characters' }),
  messageRetentionDays: optionalInteger({ category: 'data', doc: 'Days messages and attachments are kept; unset keeps them until the staff member deletes them.', min: 1, max: 36_500, default: null, unit: 'days' }),
  auditRetentionYears: integer({ category: 'data', doc: 'Years the audit trail is kept (HIPAA: at least 6).', min: 6, max: 30, default: 6, stricter: 'higher', unit: 'years' }),
  allowPlainAuth: flag({ category: 'session', doc: 'SASL PLAIN (over TLS only) for servers without SCRAM.', default: false, stricter: 'false' }),
  scramMinIterations: integer({ category: 'session', doc: 'Fewest SCRAM PBKDF2 iterations the server may use; fewer makes a captured sign-in cheap to guess.', min: 4096, max: 1_000_000, default: 4096, stricter: 'higher', unit: 'iterations' }),
  allowDegradedWithoutKeychain: flag({ category: 'device', doc: 'Store PHI without an OS keychain (weaker; shown on screen).', default: false, stricter: 'false' }),
  attachmentsAllowed: flag({ category: 'attachments', doc: 'Whether staff may send and receive attachments.', default: true, stricter: 'false' }),
  // The organisation's own allow-list replaces the built-in one (a clinic may need Word files); after that it only narrows.
  attachmentTypes: list({ category: 'attachments', security: false, doc: 'MIME types allowed for attachments, on send and on receive.', maxItems: 50, item: /^[a-z0-9][a-z0-9.+-]{0,62}\/[a-z0-9][a-z0-9.+-]{0,62}$/, itemMaxLength: 127, default: ['application/pdf', 'image/jpeg', 'image/png'], stricter: 'subset' }),
  attachmentMaxMegabytes: integer({ category: 'attachments', doc: 'Largest attachment accepted, on send and on receive.', min: 1, max: 100, default: 25, stricter: 'lower', unit: 'MB' }),
  typingNotifications: flag({ category: 'privacy', security: false, doc: 'Send and show typing notifications.', default: false, stricter: 'false' }),
  readReceipts: flag({ category: 'privacy', security: false, doc: 'Send and show read receipts.', default: false, stricter: 'false' }),
  presence: flag({ category: 'privacy', security: false, doc: 'Share and show online presence.', default: false, stricter: 'false' }),
  /** Kept for existing profiles; `notificationContent` is the finer control (both must allow). */
  notificationShowsSender: flag({ category: 'privacy', doc: 'Whether a notification may show who wrote (never what).', default: false, stricter: 'false' }),
  notificationContent: choice({ category: 'privacy', doc: 'What a desktop notification may show: nothing, the sender, or sender and text.', values: ['none', 'sender', 'full'], default: 'none' }),
  // More reminders is the safer side for an unacknowledged urgent message (issue 11's defaults: every 2 minutes for 20).
  urgentRepeatMinutes: integer({ category: 'privacy', doc: 'Minutes between the PHI-free repeats of an unacknowledged urgent message notification.', min: 1, max: 30, default: 2, stricter: 'lower', unit: 'minutes' }),
  urgentRepeatForMinutes: integer({ category: 'privacy', doc: 'Minutes an unacknowledged urgent message keeps repeating its notification.', min: 1, max: 240, default: 20, stricter: 'higher', unit: 'minutes' }),
  contentProtection: flag({ category: 'device', doc: 'Hide windows from screen capture and screen sharing.', default: true, stricter: 'true' }),
  clipboardClearSeconds: integer({ category: 'device', doc: 'Seconds after which copied message text is cleared from the clipboard.', min: 5, max: 600, default: 60, stricter: 'lower', unit: 'seconds' }),
  printAllowed: flag({ category: 'data', doc: 'Whether conversations may be printed (audited).', default: false, stricter: 'false' }),
  saveAllowed: flag({ category: 'data', doc: 'Whether attachments may be saved outside the encrypted store (audited).', default: true, stricter: 'false' }),
  // 'off' is the stricter: a managed fleet gets its updates from IT, the app contacts nobody.
  updateMode: choice({ category: 'device', doc: 'Updates: off (IT deploys them) or notify (the app says a signed update exists).', values: ['off', 'notify'], default: 'notify' }),
  // The organisation's wording for patients; set once by the first managed source, never by a user.
  patientTemplates: list({ category: 'organisation', doc: 'Patient message templates, one per item as language|title|text (language en or es; placeholders {name}, {date}, {time}, {minutes}, {clinic}, {phone}, {documents}); unset offers the built-in four in both languages.', maxItems: 50, item: /^(en|es)\|[^|\n]{1,80}\|[^|\n]{1,1000}$/, itemMaxLength: 1090, default: null, stricter: 'fixed' }),
  // Less logging is stricter: every line is metadata about staff and patients' care.
  logLevel: choice({ category: 'device', doc: 'Most detailed log level written (logs never hold PHI).', values: ['error', 'warn', 'info', 'debug'], default: 'info' }),
};

export const Policy = z.strictObject(shapeOf(POLICY_KEYS));
export type Policy = z.infer<typeof Policy>;
export type PolicyKey = keyof Policy;

export const DEFAULT_POLICY: Policy = defaultsOf(POLICY_KEYS);

/** A layer names only the settings it sets. */
export const PolicyLayer = Policy.partial();
export type PolicyLayer = z.infer<typeof PolicyLayer>;

export const PolicySource = z.enum(['default', 'server', 'machine', 'user']);
export type PolicySource = z.infer<typeof PolicySource>;

export const EffectivePolicy = z.strictObject({
  values: Policy,
  /** Which layer decided each value; 'server' and 'machine' show as "managed by your organisation". */
  sources: z.record(z.string(), PolicySource),
  /** Layer values that were refused because they tried to loosen a setting (names only). */
  refused: z
    .array(z.strictObject({ key: z.string().max(60), source: PolicySource, reason: z.enum(['looser', 'invalid', 'unknown']).optional() }))
    .max(100),
});
export type EffectivePolicy = z.infer<typeof EffectivePolicy>;

export const policyMethods = {
  'policy.effective': defineMethod({
    request: z.strictObject({}),
    response: EffectivePolicy,
    access: 'public',
    audit: null,
  }),
};

export const policyEvents = {
  'policy.changed': EffectivePolicy,
};

/** Organisation settings: identity and trust, not strictness (see `ORGANISATION_KEYS`). */
export const Organisation = z.strictObject(shapeOf(ORGANISATION_KEYS));
export type Organisation = z.infer<typeof Organisation>;
export const DEFAULT_ORGANISATION: Organisation = defaultsOf(ORGANISATION_KEYS);

/** Every key a managed source (registry, managed preferences, policy file, server) may set. */
export const MANAGED_KEYS = { ...ORGANISATION_KEYS, ...POLICY_KEYS };
export type ManagedKey = keyof typeof MANAGED_KEYS;
