import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachmentsHandlers } from '../../electron/core/ipc/handlers/attachments.ts';
import { conversationsHandlers } from '../../electron/core/ipc/handlers/conversations.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { createProfileHolder, type ProfileHolder } from '../../electron/core/vault/open-profile.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { methods } from '../../shared/contract/index.ts';
import { hostilePdf, pngWithCanary } from '../support/hostile-files.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dataDir: string;
let keychain: Keychain;
let holder: ProfileHolder<Store>;
const ctx = { transport: 'bridge' as const };

beforeEach(async () => {
  dataDir = makeTempDir('attachment-viewer');
  keychain = createKeytarKeychain(`Sealwire-test-${crypto.randomUUID()}`);
  if (!(await keychain.probe()).ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh`');
  const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: { log2N: 10, r: 8, p: 1 } });
  holder = createProfileHolder<Store>({ vault, log: silentLogger, openStore: (o) => openStore(o) });
  await holder.create('Front desk 1', 'a long enough passphrase 123');
});
afterEach(async () => {
  await holder.close();
  for (const account of await keychain.accounts()) await keychain.delete(account);
  void removeTempDir(dataDir);
});

/** A received message carrying one file, as the sender described it (name and claimed type). */
async function received(store: Store, fileName: string, mime: string, data: Buffer): Promise<number> {
  const c = store.ensureConversation({ kind: 'direct', jid: 'peer@clinic.test' });
  const m = store.insertMessage({ clientId: crypto.randomUUID(), conversationId: c.id, senderJid: c.jid, body: 'aesgcm://upload.clinic.test/x.bin#00', sentAt: Date.now(), direction: 'in' });
  return (await store.attachments.add({ messageId: m.id, fileName, mime, data })).id;
}

describe('the safe viewer trusts the bytes, not the sender', () => {
  it('a forged type is not trusted: HTML or SVG claimed as PNG is neither shown nor thumbnailed; a real PNG and PDF are, with the type read from the bytes', async () => {
    const store = holder.require().store;
    const h = attachmentsHandlers({ requireStore: () => store, saveAllowed: () => true });
    const html = await received(store, 'scan.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
    const svg = await received(store, 'chart.png', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const png = await received(store, 'photo.bin', 'application/octet-stream', pngWithCanary('x'));
    const pdf = await received(store, 'letter.pdf', 'image/png', hostilePdf('x', 'http://127.0.0.1:9'));

    for (const id of [html, svg]) {
      await expect(h['attachments.open']({ attachmentId: id }, ctx)).rejects.toMatchObject({ code: 'not_viewable' });
      expect(await h['attachments.thumbnail']({ attachmentId: id }, ctx)).toEqual({ thumbnail: null });
    }
    const image = methods['attachments.open'].response.parse(await h['attachments.open']({ attachmentId: png }, ctx));
    expect(image).toMatchObject({ kind: 'image', mime: 'image/png', fileName: 'photo.bin' });
    const doc = await h['attachments.open']({ attachmentId: pdf }, ctx);
    expect(doc).toMatchObject({ kind: 'pdf', mime: 'application/pdf' });
    // Claimed an image, but it is a PDF: no thumbnail (the thread never draws a PDF as a picture).
    expect(await h['attachments.thumbnail']({ attachmentId: pdf }, ctx)).toEqual({ thumbnail: null });
  });

  it('save is refused while policy forbids it, and in the desktop path writes only where the person chose', async () => {
    const store = holder.require().store;
    const id = await received(store, 'lab.pdf', 'application/pdf', hostilePdf('x', 'http://127.0.0.1:9'));
    const refused = attachmentsHandlers({ requireStore: () => store, saveAllowed: () => false });
    await expect(refused['attachments.save']({ attachmentId: id }, ctx)).rejects.toMatchObject({ code: 'not_allowed' });
    const target = path.join(dataDir, 'chosen', 'copy.pdf');
    await fs.mkdir(path.dirname(target));
    let suggested = '';
    const desktop = attachmentsHandlers({ requireStore: () => store, saveAllowed: () => true, chooseSavePath: async (name) => ((suggested = name), target) });
    expect(await desktop['attachments.save']({ attachmentId: id }, ctx)).toEqual({ saved: 'file' });
    expect(suggested).toBe('lab.pdf');
    expect((await fs.readFile(target)).subarray(0, 5).toString()).toBe('%PDF-');
    const cancelled = attachmentsHandlers({ requireStore: () => store, saveAllowed: () => true, chooseSavePath: async () => null });
    expect(await cancelled['attachments.save']({ attachmentId: id }, ctx)).toEqual({ saved: 'cancelled' });
  });

  it('a file is found by its name, never by its upload address (bug 3)', async () => {
    const store = holder.require().store;
    await received(store, 'discharge summary.pdf', 'application/pdf', Buffer.from('%PDF-1.4'));
    const h = conversationsHandlers({ requireStore: () => store });
    const byName = await h['messages.search']({ query: 'discharge' }, ctx);
    expect(byName.hits).toHaveLength(1);
    expect(byName.hits[0]?.snippet).toBe('\u0002discharge\u0003 summary.pdf');
    expect((await h['messages.search']({ query: 'aesgcm' }, ctx)).hits).toEqual([]);
    expect((await h['messages.search']({ query: 'upload.clinic.test' }, ctx)).hits).toEqual([]);
  });

  it('every view, thumbnail and save is declared as audited in the contract', () => {
    expect(methods['attachments.open'].audit).toEqual({ event: 'attachment.view' });
    expect(methods['attachments.thumbnail'].audit?.event).toBe('attachment.view');
    expect(methods['attachments.save'].audit).toEqual({ event: 'attachment.save' });
    for (const name of ['attachments.open', 'attachments.thumbnail', 'attachments.save'] as const) expect(methods[name].access).toBe('phi');
  });
});
