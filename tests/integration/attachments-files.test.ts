import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dir: string;
let attDir: string;
let key: Buffer;
let store: Store;
let messageId: number;

const blobs = () => (fs.existsSync(attDir) ? fs.readdirSync(attDir) : []);

beforeEach(() => {
  dir = makeTempDir('att');
  attDir = path.join(dir, 'attachments');
  key = randomBytes(32);
  store = openStore({ file: path.join(dir, 'store.db'), key, create: true });
  const c = store.ensureConversation({ kind: 'direct', jid: 'bob@clinic.test' });
  messageId = store.insertMessage({ clientId: 'm1', conversationId: c.id, senderJid: c.jid, body: 'see file', sentAt: 1, direction: 'in' }).id;
});
afterEach(() => {
  if (store.isOpen) store.close();
  removeTempDir(dir);
});

describe('encrypted attachments on disk', () => {
  it('streams a large file in, stores only ciphertext under a random name, and reads it back verified', async () => {
    const plain = randomBytes(3 * 1024 * 1024 + 123);
    const marker = Buffer.from('PLAINTEXT-MARKER-'.repeat(4));
    marker.copy(plain, 1000);
    // Slow source: while it is being written, nothing on disk may hold plaintext, not even a temp file.
    const pieces: Buffer[] = [];
    for (let i = 0; i < plain.length; i += 100_000) pieces.push(plain.subarray(i, i + 100_000));
    let checkedMidway = false;
    async function* slow() {
      for (const [i, p] of pieces.entries()) {
        if (i === 10) {
          for (const f of blobs()) expect(fs.readFileSync(path.join(attDir, f)).includes(marker)).toBe(false);
          checkedMidway = blobs().length > 0;
        }
        yield p;
        await new Promise((r) => setImmediate(r));
      }
    }
    const meta = await store.attachments.add({ messageId, fileName: 'Referral scan.pdf', mime: 'application/pdf', data: Readable.from(slow()) });
    expect(checkedMidway).toBe(true);
    expect(meta).toMatchObject({ messageId, fileName: 'Referral scan.pdf', size: plain.length });
    const files = blobs();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.swa$/);
    expect(fs.readFileSync(path.join(attDir, files[0] as string)).includes(marker)).toBe(false);
    expect((await store.attachments.read(meta.id)).equals(plain)).toBe(true);
    const streamed: Buffer[] = [];
    for await (const c of store.attachments.open(meta.id)) streamed.push(c as Buffer);
    expect(Buffer.concat(streamed).equals(plain)).toBe(true);
    expect(store.getMessage(messageId)?.attachmentCount).toBe(1);
  });

  it('refuses a tampered or truncated blob with damaged_store', async () => {
    const meta = await store.attachments.add({ messageId, fileName: 'a.bin', mime: 'application/octet-stream', data: randomBytes(200_000) });
    const blob = path.join(attDir, blobs()[0] as string);
    const original = fs.readFileSync(blob);
    const flipped = Buffer.from(original);
    flipped[150_000] = (flipped[150_000] as number) ^ 1;
    fs.writeFileSync(blob, flipped);
    await expect(store.attachments.read(meta.id)).rejects.toMatchObject({ code: 'damaged_store' });
    fs.writeFileSync(blob, original.subarray(0, 16 + 2 * (65_536 + 16)));
    await expect(store.attachments.read(meta.id)).rejects.toBeInstanceOf(CoreError);
    const stream = store.attachments.open(meta.id);
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toMatchObject({ code: 'damaged_store' });
  });

  it('removes by overwriting then unlinking, and sweeps orphaned blobs on open', async () => {
    const meta = await store.attachments.add({ messageId, fileName: 'a.txt', mime: 'text/plain', data: Buffer.from('hello') });
    await store.attachments.remove(meta.id);
    expect(blobs()).toEqual([]);
    expect(store.attachments.get(meta.id)).toBeNull();
    await expect(store.attachments.read(meta.id)).rejects.toMatchObject({ code: 'not_found' });
    // A crash after the blob was renamed but before its row committed leaves an orphan.
    fs.writeFileSync(path.join(attDir, `${'ab'.repeat(16)}.swa`), randomBytes(100));
    fs.writeFileSync(path.join(attDir, '.tmp-0011223344556677'), randomBytes(100));
    store.close();
    store = openStore({ file: path.join(dir, 'store.db'), key });
    expect(blobs()).toEqual([]);
  });

  it('refuses attachments for unknown messages without writing a blob', async () => {
    await expect(store.attachments.add({ messageId: 9999, fileName: 'x', mime: 'text/plain', data: Buffer.from('x') })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(blobs()).toEqual([]);
  });
});
