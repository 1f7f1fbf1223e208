/**
 * Streamed AES-256-GCM for attachment blobs.
 *
 * Layout: header (magic "SWA1", chunk size u32 BE, 8-byte random nonce prefix) then chunks, each
 * ciphertext + 16-byte tag. Every chunk but the last carries exactly `chunkSize` plaintext bytes.
 * Chunk i uses nonce = prefix || u32 BE i and AAD = header || u32 BE i || final flag, so dropping,
 * reordering, truncating at a chunk boundary or appending after the final chunk all fail to verify.
 * Plaintext leaves the decryptor only after its chunk's tag verified.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export const MAGIC = Buffer.from('SWA1', 'ascii');
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const DEFAULT_CHUNK = 64 * 1024;
const MAX_CHUNK = 1024 * 1024;

export class AttachmentIntegrityError extends Error {
  constructor(reason: string) {
    super(`attachment failed verification: ${reason}`);
    this.name = 'AttachmentIntegrityError';
  }
}

export function makeHeader(chunkSize: number, prefix: Buffer = randomBytes(8)): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32BE(chunkSize, 4);
  prefix.copy(h, 8);
  return h;
}

export function parseHeader(h: Buffer): { chunkSize: number; prefix: Buffer } {
  if (h.length < HEADER_BYTES || !h.subarray(0, 4).equals(MAGIC)) throw new AttachmentIntegrityError('bad header');
  const chunkSize = h.readUInt32BE(4);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK) throw new AttachmentIntegrityError('bad chunk size');
  return { chunkSize, prefix: Buffer.from(h.subarray(8, 16)) };
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, 8);
  return n;
}

function aad(header: Buffer, index: number, final: boolean): Buffer {
  const a = Buffer.alloc(HEADER_BYTES + 5);
  header.copy(a, 0);
  a.writeUInt32BE(index, HEADER_BYTES);
  a[HEADER_BYTES + 4] = final ? 1 : 0;
  return a;
}

export function sealChunk(key: Buffer, header: Buffer, index: number, final: boolean, plain: Buffer): Buffer {
  const { prefix } = parseHeader(header);
  const c = createCipheriv('aes-256-gcm', key, nonce(prefix, index));
  c.setAAD(aad(header, index, final));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

export function openChunk(key: Buffer, header: Buffer, index: number, final: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new AttachmentIntegrityError('short chunk');
  const { prefix } = parseHeader(header);
  const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, index));
  d.setAAD(aad(header, index, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_BYTES)), d.final()]);
  } catch {
    throw new AttachmentIntegrityError(`chunk ${index} did not authenticate`);
  }
}

/** Plaintext in, sealed blob out. Holds back one chunk so the last one can carry the final flag. */
export class EncryptStream extends Transform {
  readonly #key: Buffer;
  readonly #header: Buffer;
  readonly #chunkSize: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #index = 0;

  constructor(key: Buffer, chunkSize = DEFAULT_CHUNK) {
    super();
    if (key.length !== KEY_BYTES) throw new TypeError('attachment key must be 32 bytes');
    this.#key = key;
    this.#chunkSize = chunkSize;
    this.#header = makeHeader(chunkSize);
    this.push(this.#header);
  }

  override _transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    // Strictly more than one chunk buffered: the first is certainly not the last.
    while (this.#pendingBytes > this.#chunkSize) {
      const all = Buffer.concat(this.#pending);
      this.push(sealChunk(this.#key, this.#header, this.#index++, false, all.subarray(0, this.#chunkSize)));
      this.#pending = [all.subarray(this.#chunkSize)];
      this.#pendingBytes = all.length - this.#chunkSize;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(sealChunk(this.#key, this.#header, this.#index++, true, Buffer.concat(this.#pending)));
    this.#pending = [];
    done();
  }
}

/** Sealed blob in, verified plaintext out; errors on any tampering, truncation or extension. */
export class DecryptStream extends Transform {
  readonly #key: Buffer;
  #header: Buffer | null = null;
  #sealedSize = 0;
  #buf: Buffer = Buffer.alloc(0);
  #index = 0;

  constructor(key: Buffer) {
    super();
    this.#key = key;
  }

  override _transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);
      if (this.#header === null) {
        if (this.#buf.length < HEADER_BYTES) return done();
        this.#header = Buffer.from(this.#buf.subarray(0, HEADER_BYTES));
        this.#sealedSize = parseHeader(this.#header).chunkSize + TAG_BYTES;
        this.#buf = this.#buf.subarray(HEADER_BYTES);
      }
      while (this.#buf.length > this.#sealedSize) {
        this.push(openChunk(this.#key, this.#header, this.#index++, false, this.#buf.subarray(0, this.#sealedSize)));
        this.#buf = this.#buf.subarray(this.#sealedSize);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.#header === null) throw new AttachmentIntegrityError('truncated header');
      this.push(openChunk(this.#key, this.#header, this.#index++, true, this.#buf));
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
