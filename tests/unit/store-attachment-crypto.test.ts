import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { DecryptStream, EncryptStream, HEADER_BYTES, TAG_BYTES } from '../../electron/core/attachments/chunked-gcm.ts';

const CHUNK = 1024;
const seal = async (key: Buffer, plain: Buffer, pieces = 7) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces * 97) parts.push(plain.subarray(i, i + pieces * 97));
  return buffer(Readable.from(parts).pipe(new EncryptStream(key, CHUNK)));
};
const unseal = (key: Buffer, sealed: Buffer) => buffer(Readable.from([sealed]).pipe(new DecryptStream(key)));

describe('chunked AES-256-GCM', () => {
  it('round-trips sizes around chunk boundaries, including empty', async () => {
    const key = randomBytes(32);
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 17]) {
      const plain = randomBytes(size);
      const sealed = await seal(key, plain);
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(sealed.length).toBe(HEADER_BYTES + size + chunks * TAG_BYTES);
      expect((await unseal(key, sealed)).equals(plain)).toBe(true);
    }
  });

  it('detects a flipped bit, truncation at a chunk boundary, reordering, extension and a wrong key', async () => {
    const key = randomBytes(32);
    const plain = randomBytes(3 * CHUNK + 10);
    const sealed = await seal(key, plain);
    const sealedChunk = CHUNK + TAG_BYTES;
    const flipped = Buffer.from(sealed);
    flipped[HEADER_BYTES + 5] = (flipped[HEADER_BYTES + 5] as number) ^ 1;
    const truncated = sealed.subarray(0, HEADER_BYTES + 2 * sealedChunk);
    const c0 = sealed.subarray(HEADER_BYTES, HEADER_BYTES + sealedChunk);
    const c1 = sealed.subarray(HEADER_BYTES + sealedChunk, HEADER_BYTES + 2 * sealedChunk);
    const reordered = Buffer.concat([sealed.subarray(0, HEADER_BYTES), c1, c0, sealed.subarray(HEADER_BYTES + 2 * sealedChunk)]);
    const extended = Buffer.concat([sealed, randomBytes(40)]);
    const headerTampered = Buffer.from(sealed);
    headerTampered[10] = (headerTampered[10] as number) ^ 1;
    for (const bad of [flipped, truncated, reordered, extended, headerTampered, sealed.subarray(0, 10)]) {
      await expect(unseal(key, bad)).rejects.toThrow();
    }
    await expect(unseal(randomBytes(32), sealed)).rejects.toThrow(/verification/);
  });

  it('never emits plaintext from a chunk before its tag verified', async () => {
    const key = randomBytes(32);
    const sealed = await seal(key, randomBytes(4 * CHUNK));
    const bad = Buffer.from(sealed);
    bad[HEADER_BYTES + CHUNK + TAG_BYTES + 3] = (bad[HEADER_BYTES + CHUNK + TAG_BYTES + 3] as number) ^ 0x80; // chunk 1
    const seen: Buffer[] = [];
    const dec = Readable.from([bad]).pipe(new DecryptStream(key));
    await expect(
      (async () => {
        for await (const c of dec) seen.push(c as Buffer);
      })(),
    ).rejects.toThrow();
    expect(Buffer.concat(seen).length).toBeLessThanOrEqual(CHUNK);
  });

  it('uses a fresh nonce prefix per file: the same plaintext and key seal differently', async () => {
    const key = randomBytes(32);
    const plain = Buffer.alloc(100, 1);
    expect((await seal(key, plain)).equals(await seal(key, plain))).toBe(false);
  });
});
