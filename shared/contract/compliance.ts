import { z } from 'zod';
import { defineMethod } from './define.ts';
import { AuditProblemKind } from './audit.ts';
import { KeychainState } from './system.ts';
import { PolicySource } from './policy.ts';

/**
 * What a reviewer asks of a live workstation, checked there and then: the audit trail verifies, the
 * effective policy and who set each value, the keychain, and that the stores do not open without
 * their keys. No PHI: no names, no addresses, no message text; profiles by id only.
 */
export const DeviceEvidence = z.strictObject({
  checkedAt: z.number().int().nonnegative(),
  appVersion: z.string().max(40),
  machine: z.strictObject({
    hostname: z.string().max(255),
    os: z.string().max(200),
    arch: z.string().max(40),
    runtime: z.enum(['desktop', 'bridge']),
  }),
  audit: z.strictObject({
    ok: z.boolean(),
    /** Records in the trail when it verified; null when it did not. */
    count: z.number().int().nonnegative().nullable(),
    problems: z.array(z.strictObject({ seq: z.number().int().nonnegative(), kind: AuditProblemKind })).max(100),
  }),
  policy: z.strictObject({
    values: z.array(z.strictObject({ key: z.string().max(60), value: z.string().max(2000), source: PolicySource })).max(100),
    refused: z.array(z.strictObject({ key: z.string().max(60), source: PolicySource })).max(100),
  }),
  keychain: z.strictObject({
    state: KeychainState,
    /** The device key is in the keychain (it is never anywhere else). */
    deviceKey: z.boolean(),
    detail: z.string().max(300).nullable(),
  }),
  stores: z
    .array(
      z.strictObject({
        profileId: z.string().max(64),
        /** encrypted: no plaintext SQLite header and it does not open without its key. */
        result: z.enum(['encrypted', 'opens_without_key', 'missing']),
      }),
    )
    .max(500),
});
export type DeviceEvidence = z.infer<typeof DeviceEvidence>;

export const complianceMethods = {
  /**
   * Admin only: the device-side checks of the compliance evidence report ("Export compliance
   * evidence"). Recorded as 'evidence.export'. Touches no PHI, so it also works while the trail
   * waits for an acknowledgement.
   */
  'compliance.deviceEvidence': defineMethod({
    request: z.strictObject({}),
    response: DeviceEvidence,
    access: 'session',
    audit: { event: 'evidence.export' },
  }),
};

export const complianceEvents = {};
