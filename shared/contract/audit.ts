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
  /** A stanza refused at the messaging inbound boundary (forged sender, foreign receipt): reason and hashed id only. */
  'messaging.rejected',
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

export const AuditProblemKind = z.enum(['changed', 'missing', 'reordered', 'inserted', 'truncated', 'bad_mac']);
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

export const AuditExportFormat = z.enum(['jsonl', 'csv']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

export const AUDIT_EXPORT_MAX_RECORDS = 50_000;

export const auditMethods = {
  /** The signed-in staff member's own records (the activity list). */
  'audit.myActivity': defineMethod({ request: Page, response: PageResult, access: 'phi', audit: null }),
  /** Every record on this device; admin role only. */
  'audit.deviceActivity': defineMethod({ request: Page, response: PageResult, access: 'phi', audit: null }),
  'audit.verify': defineMethod({ request: z.strictObject({}), response: AuditVerifyResult, access: 'phi', audit: null }),
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
};

export const auditEvents = {};
