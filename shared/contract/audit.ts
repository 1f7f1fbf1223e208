import { z } from 'zod';
import { defineMethod } from './define.ts';

/** Every event the audit trail records. New kinds are added here, never renamed (old records keep their names). */
export const AuditEventType = z.enum([
  'auth.sign_in',
  'auth.sign_out',
  'auth.failed',
  'auth.lockout',
  'auth.pin_set',
  'auth.pin_destroyed',
  'auth.password_change',
  'profile.create',
  'session.lock',
  'session.unlock',
  'session.switch_user',
  'policy.change',
  'wipe.profile',
  'wipe.device',
  'key.rotate',
  'conversation.list',
  'conversation.open',
  'conversation.read',
  'message.send',
  'attachment.view',
  'attachment.save',
  'search',
  'export',
  'audit.export',
  'audit.checkpoint',
  'admin.command',
  'attachment.send',
  'room.join',
  'room.leave',
  /** An encrypted file (a profile's store or the audit trail) converted in place to the current page format. */
  'store.migrate',
  /** The trail was found deleted, replaced, rolled back or unreadable (targets say which). */
  'audit.integrity',
  /** An administrator acknowledged an integrity problem; PHI access opens again. */
  'audit.acknowledge',
  /** A stanza refused at the messaging inbound boundary (forged sender, foreign receipt): reason and hashed id only. */
  'messaging.rejected',
  /** The admin console was entered (the password typed again). */
  'admin.enter',
]);
export type AuditEventType = z.infer<typeof AuditEventType>;

export const AuditOutcome = z.enum(['ok', 'denied', 'error']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/**
 * Opaque ids only (profile ids, conversation ids, message ids, or `kind:hmac` references).
 * Never message text or search terms: those are referenced by a keyed hash if at all.
 */
export const AuditTarget = z
  .string()
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'an opaque id: printable ASCII without spaces');
export const AUDIT_MAX_TARGETS = 8;

/** One audit record as the screen sees it (no hashes; those stay in main and the export). */
export const AuditRecordView = z.strictObject({
  seq: z.number().int().positive(),
  time: z.number().int().nonnegative(),
  staffId: z.string().max(128).nullable(),
  deviceId: z.string().max(128),
  event: AuditEventType,
  targets: z.array(AuditTarget).max(AUDIT_MAX_TARGETS),
  outcome: AuditOutcome,
  code: z.string().max(64).nullable(),
});
export type AuditRecordView = z.infer<typeof AuditRecordView>;

export const AuditProblemKind = z.enum([
  'changed',
  'missing',
  'reordered',
  'inserted',
  'truncated',
  'bad_mac',
  // Found by the head kept outside the file (see AuditIntegrityKind); seq is the last one known.
  'trail_deleted',
  'trail_replaced',
  'trail_rolled_back',
  'trail_unreadable',
]);
export type AuditProblemKind = z.infer<typeof AuditProblemKind>;

export const AuditProblem = z.strictObject({ seq: z.number().int().nonnegative(), kind: AuditProblemKind });
export type AuditProblem = z.infer<typeof AuditProblem>;

/** The chain head: the last record's sequence number and hash (hex), as published to the server. */
export const AuditHead = z.strictObject({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditHead = z.infer<typeof AuditHead>;

export const AuditVerifyResult = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), count: z.number().int().nonnegative(), head: AuditHead }),
  z.strictObject({
    ok: z.literal(false),
    problems: z.array(AuditProblem).max(10_000),
    /** True when more problems were found than are listed. */
    more: z.boolean(),
  }),
]);
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

const Page = z.strictObject({
  /** Return records with a sequence number below this one (newest first); omit for the newest page. */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

const PageResult = z.strictObject({
  records: z.array(AuditRecordView).max(500),
  /** Pass as `beforeSeq` for the next (older) page; null when there is none. */
  nextBeforeSeq: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof PageResult>;

/**
 * What happened to the trail itself, found by comparing it with the head kept in the OS keychain:
 * deleted (file gone), replaced (another file, or the head record differs), rolled_back (fewer
 * records than already written: truncation or an older copy), unreadable (corrupt or wrong key).
 */
export const AuditIntegrityKind = z.enum(['deleted', 'replaced', 'rolled_back', 'unreadable']);
export type AuditIntegrityKind = z.infer<typeof AuditIntegrityKind>;

export const AuditIntegrityProblem = z.strictObject({
  kind: AuditIntegrityKind,
  /** The last record this device knew it had written (from the keychain). */
  knownSeq: z.number().int().nonnegative(),
  /** The last record found in the trail as opened (0: none). */
  foundSeq: z.number().int().nonnegative(),
  detectedAt: z.number().int().nonnegative(),
});
export type AuditIntegrityProblem = z.infer<typeof AuditIntegrityProblem>;

/**
 * ok: records are written; unavailable: the trail cannot be written now (keychain or disk);
 * needs_acknowledgement: an integrity problem was found and recorded, and PHI stays closed until an
 * administrator acknowledges it.
 */
export const AuditTrailState = z.strictObject({
  state: z.enum(['ok', 'unavailable', 'needs_acknowledgement']),
  problems: z.array(AuditIntegrityProblem).max(16),
});
export type AuditTrailState = z.infer<typeof AuditTrailState>;

/** The trail's state as the signed-in staff member sees it: only the admin role may acknowledge. */
export const AuditIntegrity = AuditTrailState.extend({ canAcknowledge: z.boolean() });
export type AuditIntegrity = z.infer<typeof AuditIntegrity>;

export const AuditExportFormat = z.enum(['jsonl', 'csv']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

export const AUDIT_EXPORT_MAX_RECORDS = 50_000;

export const auditMethods = {
  // Records hold ids only, never PHI: 'session' keeps them readable while the trail closes PHI, so
  // staff see what happened and an administrator can verify before acknowledging.
  /** The signed-in staff member's own records (the activity list). */
  'audit.myActivity': defineMethod({ request: Page, response: PageResult, access: 'session', audit: null }),
  /** Every record on this device; admin role only. */
  'audit.deviceActivity': defineMethod({ request: Page, response: PageResult, access: 'session', audit: null }),
  'audit.verify': defineMethod({ request: z.strictObject({}), response: AuditVerifyResult, access: 'session', audit: null }),
  /**
   * Export for a compliance officer. The audit log records the 'audit.export' event itself (with
   * the record count), so the generic call hook must not record it a second time: audit is null here.
   */
  'audit.export': defineMethod({
    request: z.strictObject({
      format: AuditExportFormat,
      scope: z.enum(['mine', 'device']),
      /** First sequence number to include; pages through large logs. */
      fromSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(AUDIT_EXPORT_MAX_RECORDS).default(AUDIT_EXPORT_MAX_RECORDS),
    }),
    response: z.strictObject({
      format: AuditExportFormat,
      text: z.string().max(64 * 1024 * 1024),
      count: z.number().int().nonnegative(),
      /** Pass as `fromSeq` to continue; null when the export reached the end. */
      nextFromSeq: z.number().int().positive().nullable(),
    }),
    access: 'phi',
    audit: null,
  }),
  /** Whether the trail is being written; any signed-in staff member may ask (their screen explains). */
  'audit.integrity': defineMethod({ request: z.strictObject({}), response: AuditIntegrity, access: 'session', audit: null }),
  /**
   * Admin only. Reopens PHI access after an integrity problem; the trail records 'audit.acknowledge'
   * itself (with the problems acknowledged), so audit is null here.
   */
  'audit.acknowledgeIntegrity': defineMethod({ request: z.strictObject({}), response: AuditIntegrity, access: 'session', audit: null }),
};

export const auditEvents = {};
