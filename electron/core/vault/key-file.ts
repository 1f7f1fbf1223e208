import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { CoreError } from '../errors.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { SCRYPT_BOUNDS, SCRYPT_MAX_MAXMEM, scryptMaxmem, scryptWithinBounds, type ScryptParams } from './kdf.ts';

export const KEY_FILE_VERSION = 1;

const b64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/);

const Box = z.strictObject({ nonce: b64(12), tag: b64(16), ciphertext: b64(32) });

/** Parameters outside the bounds make the file damaged before any scrypt runs (kdf.ts says why). */
const Kdf = z
  .strictObject({
    name: z.literal('scrypt'),
    log2N: z.number().int().min(SCRYPT_BOUNDS.log2N[0]).max(SCRYPT_BOUNDS.log2N[1]),
    r: z.number().int().min(SCRYPT_BOUNDS.r[0]).max(SCRYPT_BOUNDS.r[1]),
    p: z.number().int().min(SCRYPT_BOUNDS.p[0]).max(SCRYPT_BOUNDS.p[1]),
    maxmem: z.number().int().positive().max(SCRYPT_MAX_MAXMEM),
    salt: b64(32),
  })
  .refine((kdf) => scryptWithinBounds(kdf));

const Hkdf = z.strictObject({ hash: z.literal('sha256'), info: z.string().max(200) });

const Slot = z.strictObject({ kdf: Kdf, hkdf: Hkdf, box: Box });

const PinSlot = z.strictObject({
  ...Slot.shape,
  createdAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  failedCount: z.number().int().nonnegative().max(100),
});

const KeyFileBody = z.strictObject({
  version: z.literal(KEY_FILE_VERSION),
  profileId: z.uuid(),
  /** 'keychain': the KEK is bound to this device's keychain key; 'none': degraded mode, password only. */
  device: z.strictObject({ binding: z.enum(['keychain', 'none']), fingerprint: z.string().regex(/^[0-9a-f]{16}$/).nullable() }),
  password: Slot,
  /**
   * Written as null since issue 8: the PIN slot lives only in the running app's memory. Read only
   * so that an old file's slot can be recognised and removed (quick-unlock.ts removeDiskPin).
   */
  pin: PinSlot.nullable(),
});

const KeyFileEnvelope = z.strictObject({
  format: z.literal('sealwire-key-file'),
  body: KeyFileBody,
  /** Detects accidental damage (a flipped byte would otherwise look like a wrong password). Not a MAC. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type KeyFile = z.infer<typeof KeyFileBody>;
export type KeySlot = z.infer<typeof Slot>;
export type PinSlot = z.infer<typeof PinSlot>;
export type KdfRecord = z.infer<typeof Kdf>;

export const KEY_FILE_MAX_BYTES = 16 * 1024;

export const kdfRecord = (params: ScryptParams, salt: Buffer): KdfRecord => ({
  name: 'scrypt',
  log2N: params.log2N,
  r: params.r,
  p: params.p,
  maxmem: scryptMaxmem(params),
  salt: salt.toString('base64'),
});

export const kdfParams = (kdf: KdfRecord): ScryptParams => ({ log2N: kdf.log2N, r: kdf.r, p: kdf.p });

/** AAD binds each wrapped copy to its profile, the key-file version and the slot (and the PIN window). */
export const passwordAad = (profileId: string): string => `sealwire/key-file/v${KEY_FILE_VERSION}/${profileId}/password`;
export const pinAad = (profileId: string, createdAt: number, expiresAt: number): string =>
  `sealwire/key-file/v${KEY_FILE_VERSION}/${profileId}/pin/${createdAt}/${expiresAt}`;
export const passwordInfo = (profileId: string): string => `sealwire/kek/v1/${profileId}`;
export const pinInfo = (profileId: string): string => `sealwire/pin-kek/v1/${profileId}`;

const digest = (body: KeyFile): string => crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex');

export function serializeKeyFile(body: KeyFile): string {
  return `${JSON.stringify({ format: 'sealwire-key-file', body, sha256: digest(body) }, null, 1)}\n`;
}

const DAMAGED = 'This staff profile’s key file is damaged, so it cannot be opened. Nothing was changed; ask IT to restore it or remove the profile.';

export const damagedKeyFile = (cause?: unknown): CoreError => new CoreError('damaged_key_file', DAMAGED, { cause });

/** Parses and checks a key file's text; any damage (truncation, bad JSON, altered byte) is 'damaged_key_file'. */
export function parseKeyFile(text: string, expectedProfileId: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw damagedKeyFile(err);
  }
  const parsed = KeyFileEnvelope.safeParse(raw);
  if (!parsed.success) throw damagedKeyFile();
  const { body, sha256 } = parsed.data;
  const expected = Buffer.from(digest(body), 'hex');
  if (!crypto.timingSafeEqual(expected, Buffer.from(sha256, 'hex'))) throw damagedKeyFile();
  if (body.profileId !== expectedProfileId) throw damagedKeyFile();
  if (Buffer.from(body.password.box.ciphertext, 'base64').length !== 32) throw damagedKeyFile();
  return body;
}

/** null when the file does not exist; CoreError('damaged_key_file') when it exists but is unusable. */
export async function readKeyFile(file: string, expectedProfileId: string): Promise<KeyFile | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw damagedKeyFile(err);
  }
  try {
    const { size } = await handle.stat();
    if (size > KEY_FILE_MAX_BYTES) throw damagedKeyFile();
    return parseKeyFile(await handle.readFile('utf8'), expectedProfileId);
  } finally {
    await handle.close();
  }
}

export const writeKeyFile = (file: string, body: KeyFile): Promise<void> => writeFileAtomic(file, serializeKeyFile(body));
