/**
 * Encrypted attachment blobs on disk. Names are random (never the original file name), plaintext
 * only ever exists in memory, and a blob appears under its final name only once fully written and
 * synced (temp file of ciphertext, fsync, rename, fsync folder).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DecryptStream, EncryptStream, KEY_BYTES } from './chunked-gcm.ts';
import { shredFile } from '../fs/shred.ts';

export const BLOB_SUFFIX = '.swa';
const TEMP_PREFIX = '.tmp-';

export interface WrittenBlob {
  readonly blobName: string;
  readonly key: Buffer;
  readonly size: number;
  readonly sha256: string;
}

/** Counts and hashes plaintext as it passes. */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; Windows cannot open folders for it, which is fine there.
  try {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}

export async function writeBlob(dir: string, data: Buffer | Readable, maxBytes = Number.MAX_SAFE_INTEGER): Promise<WrittenBlob> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const blobName = `${randomBytes(16).toString('hex')}${BLOB_SUFFIX}`;
  const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  const measure = new Measure();
  const limit = new Transform({
    transform(chunk: Buffer, _e, done) {
      if (measure.size > maxBytes) done(new RangeError('attachment too large'));
      else done(null, chunk);
    },
  });
  const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
  const handle = await fsp.open(temp, 'wx', 0o600);
  try {
    await pipeline(source, measure, limit, new EncryptStream(key), async (sealed: AsyncIterable<Buffer>) => {
      for await (const chunk of sealed) await handle.write(chunk);
    });
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await fsp.rename(temp, path.join(dir, blobName));
  await fsyncDir(dir);
  return { blobName, key, size: measure.size, sha256: measure.hash.digest('hex') };
}

/** A verifying plaintext stream; it errors (AttachmentIntegrityError) rather than yield unverified bytes. */
export function openBlob(dir: string, blobName: string, key: Buffer, expectSha256?: string): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (expectSha256 !== undefined && hash.digest('hex') !== expectSha256) done(new Error('attachment hash mismatch'));
      else done();
    },
  });
  const file = fs.createReadStream(path.join(dir, blobName));
  const dec = new DecryptStream(key);
  file.on('error', (e) => dec.destroy(e));
  dec.on('error', (e) => check.destroy(e));
  return file.pipe(dec).pipe(check);
}

export async function readBlob(dir: string, blobName: string, key: Buffer, expectSha256?: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of openBlob(dir, blobName, key, expectSha256)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export const shredBlob = (dir: string, blobName: string): Promise<void> => shredFile(path.join(dir, blobName));

/** Synchronous shred, for the sweep that runs while a store opens (nothing else can race it then). */
export function shredFileSync(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    for (let off = 0; off < size; off += 65_536) {
      const n = Math.min(65_536, size - off);
      fs.writeSync(fd, randomBytes(n), 0, n, off);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(file, { force: true });
}

/** Blob and temp files in the folder (for sweeping orphans left by a crash). */
export function listBlobFilesSync(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => n.endsWith(BLOB_SUFFIX) || n.startsWith(TEMP_PREFIX));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
