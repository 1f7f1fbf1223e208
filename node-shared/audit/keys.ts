import crypto from 'node:crypto';

export interface AuditKeys {
  /** Raw page key (AEGIS-256) of the device-level audit database. */
  readonly dbKey: Buffer;
  /** Key of the per-record MAC and of the head file. */
  readonly macKey: Buffer;
  /** Key for referencing sensitive targets (search terms, file names) by keyed hash only. */
  readonly refKey: Buffer;
}

const derive = (deviceKey: Buffer, info: string): Buffer =>
  Buffer.from(crypto.hkdfSync('sha256', deviceKey, Buffer.alloc(0), info, 32));

/** Audit keys come from the device key (OS keychain), so the trail works before any staff profile is unlocked. */
export function deriveAuditKeys(deviceKey: Buffer): AuditKeys {
  if (deviceKey.length < 32) throw new Error('device key must be at least 32 bytes');
  return {
    dbKey: derive(deviceKey, 'sealwire/audit/db/v1'),
    macKey: derive(deviceKey, 'sealwire/audit/mac/v1'),
    refKey: derive(deviceKey, 'sealwire/audit/ref/v1'),
  };
}

/**
 * An audit target for something that must never appear in clear (a search term, a file name):
 * `kind:` plus a truncated HMAC. The same value on this device always gives the same reference,
 * so a compliance officer can correlate records without learning the value.
 */
export function targetRef(refKey: Buffer, kind: string, value: string): string {
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(kind)) throw new Error('target kind must be a short lowercase word');
  const mac = crypto.createHmac('sha256', refKey).update(kind).update('\0').update(value).digest('hex');
  return `${kind}:${mac.slice(0, 32)}`;
}
