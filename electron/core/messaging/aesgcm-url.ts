import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * XEP-0454 (OMEMO media sharing) `aesgcm://` addresses: each file is encrypted with its own random
 * 256-bit key and 96-bit IV (AES-256-GCM, the 16-byte tag appended), uploaded as ciphertext, and
 * shared as `aesgcm://host/path#<iv hex><key hex>`. The fragment never goes to the upload service
 * (it is not part of an HTTP request), so the server's upload folder and anyone who learns only
 * the https address see ciphertext.
 */
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

export class AttachmentCryptoError extends Error {
  override readonly name = 'AttachmentCryptoError';
}

export interface SealedFile {
  /** IV + key, hex: the URL fragment. */
  readonly fragment: string;
  /** Ciphertext followed by the GCM tag: what is uploaded. */
  readonly data: Buffer;
}

export function sealFile(plain: Buffer): SealedFile {
  const iv = randomBytes(IV_BYTES);
  const key = randomBytes(KEY_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  const fragment = Buffer.concat([iv, key]).toString('hex');
  key.fill(0);
  return { fragment, data };
}

/** The shareable address for an uploaded sealed file (its https GET address plus the fragment). */
export function aesgcmUrl(getUrl: string, fragment: string): string {
  const url = new URL(getUrl);
  if (url.protocol !== 'https:') throw new AttachmentCryptoError('not-https');
  url.hash = '';
  return `aesgcm://${url.toString().slice('https://'.length)}#${fragment}`;
}

export interface AesgcmAddress {
  /** Where the ciphertext is fetched (no fragment). */
  readonly https: string;
  readonly iv: Buffer;
  readonly key: Buffer;
}

/** Parse an aesgcm:// address; null when it is not one (or its fragment is not IV + 256-bit key). */
export function parseAesgcmUrl(text: string): AesgcmAddress | null {
  if (!text.startsWith('aesgcm://')) return null;
  const hash = text.indexOf('#');
  if (hash === -1) return null;
  const fragment = text.slice(hash + 1);
  // XEP-0454 allows a 16-byte IV from older clients; we accept both, and only a 256-bit key.
  const ivHex = fragment.length === (IV_BYTES + KEY_BYTES) * 2 ? IV_BYTES * 2 : fragment.length === (16 + KEY_BYTES) * 2 ? 32 : -1;
  if (ivHex === -1 || !/^[0-9a-fA-F]+$/.test(fragment)) return null;
  let https: string;
  try {
    https = new URL(`https://${text.slice('aesgcm://'.length, hash)}`).toString();
  } catch {
    return null;
  }
  return { https, iv: Buffer.from(fragment.slice(0, ivHex), 'hex'), key: Buffer.from(fragment.slice(ivHex), 'hex') };
}

/** Decrypt and check the tag; throws AttachmentCryptoError when the file was altered or truncated. */
export function openFile(address: AesgcmAddress, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new AttachmentCryptoError('truncated');
  const decipher = createDecipheriv('aes-256-gcm', address.key, address.iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new AttachmentCryptoError('tag-mismatch');
  } finally {
    address.key.fill(0);
  }
}

export const SEALED_OVERHEAD = TAG_BYTES;
