import { z } from 'zod';
import { defineMethod } from './define.ts';

/**
 * Every security setting, with its safe built-in default. Layers (server, machine, user) may only
 * tighten: for each key `POLICY_STRICTNESS` says which direction is stricter.
 */
export const Policy = z.strictObject({
  /** Minutes of inactivity before the session locks; 0 locks as soon as focus is lost. */
  idleTimeoutMinutes: z.number().int().min(0).max(60),
  /** Hours after which a full sign-in (password) is required again. */
  maxSessionHours: z.number().int().min(1).max(12),
  /** Hours a PIN may unlock after a full sign-in; 0 disables quick unlock. */
  quickUnlockHours: z.number().int().min(0).max(12),
  /** Kiosk terminals: no other apps, shorter timeout, sign-out (not lock) on idle. */
  kiosk: z.boolean(),
  kioskIdleTimeoutMinutes: z.number().int().min(0).max(60),
  minPasswordLength: z.number().int().min(10).max(128),
  /** Days messages and attachments are kept; null keeps them until the staff member deletes them. */
  messageRetentionDays: z.number().int().min(1).max(36_500).nullable(),
  auditRetentionYears: z.number().int().min(6).max(30),
  /** SASL PLAIN (over TLS only) for servers without SCRAM. */
  allowPlainAuth: z.boolean(),
  /** Fewest SCRAM PBKDF2 iterations the server may use; fewer makes a captured sign-in cheap to guess. */
  scramMinIterations: z.number().int().min(4096).max(1_000_000),
  /** Store PHI without an OS keychain (weaker; shown on screen). */
  allowDegradedWithoutKeychain: z.boolean(),
  typingNotifications: z.boolean(),
  /** Whether a notification may show who wrote (never what). */
  notificationShowsSender: z.boolean(),
  clipboardClearSeconds: z.number().int().min(5).max(600),
});
export type Policy = z.infer<typeof Policy>;
export type PolicyKey = keyof Policy;

export const DEFAULT_POLICY: Policy = {
  idleTimeoutMinutes: 10,
  maxSessionHours: 12,
  quickUnlockHours: 12,
  kiosk: false,
  kioskIdleTimeoutMinutes: 2,
  minPasswordLength: 10,
  messageRetentionDays: null,
  auditRetentionYears: 6,
  allowPlainAuth: false,
  scramMinIterations: 4096,
  allowDegradedWithoutKeychain: false,
  typingNotifications: false,
  notificationShowsSender: false,
  clipboardClearSeconds: 60,
};

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
  refused: z.array(z.strictObject({ key: z.string().max(60), source: PolicySource })).max(100),
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
