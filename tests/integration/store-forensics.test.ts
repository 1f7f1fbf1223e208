import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { keyDatabase } from '../../electron/core/sqlite/encrypted-db.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

// Unique per run so a hit can only come from this test's writes.
const tag = randomBytes(4).toString('hex').toUpperCase();
const CANARIES = [`Zelphira Quistwood ${tag}`, `MRN-${tag}-88412`, `+1-555-${tag.slice(0, 4)}-0199`] as const;

let profileDir: string;
let file: string;
let key: Buffer;

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? allFiles(p) : [p];
  });
}

function encodings(s: string): Buffer[] {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.from(le);
  be.swap16();
  return [Buffer.from(s, 'utf8'), le, be, Buffer.from(s.toLowerCase(), 'utf8')];
}

/** Every canary, in every encoding, in every byte of every file under dir. */
function hits(dir: string): string[] {
  const found: string[] = [];
  for (const f of allFiles(dir)) {
    const bytes = fs.readFileSync(f);
    for (const c of CANARIES) for (const enc of encodings(c)) if (bytes.includes(enc)) found.push(`${path.basename(f)}: ${c}`);
  }
  return found;
}

/** Decrypts a copy of the store to plaintext (rekey to no key) so deleted text would show if it lingered. */
function plaintextCopy(out: string): Buffer {
  const copy = path.join(out, 'copy.db');
  fs.copyFileSync(file, copy);
  const db = new Database(copy);
  keyDatabase(db, key);
  db.pragma('journal_mode = DELETE');
  db.pragma(`rekey = ''`);
  db.close();
  const bytes = fs.readFileSync(copy);
  expect(bytes.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
  return bytes;
}

async function seed(s: Store, now: number) {
  const c = s.ensureConversation({ kind: 'direct', jid: 'nurse@clinic.test', title: `Re: ${CANARIES[0] as string}` });
  s.upsertContact({ jid: 'nurse@clinic.test', displayName: 'Nurse Station' });
  const ids: number[] = [];
  for (let i = 0; i < 40; i++) {
    const body = i % 4 === 0 ? `Patient ${CANARIES[0]} ${CANARIES[1]} call back ${CANARIES[2]}` : `routine note ${i}`;
    ids.push(s.insertMessage({ clientId: `c${i}`, conversationId: c.id, senderJid: c.jid, body, sentAt: now - 90 * 86_400_000 + i, direction: 'in', patientTag: i % 4 === 0 ? CANARIES[1] : null }).id);
  }
  const doc = Buffer.from(`Referral for ${CANARIES[0]}\nMRN ${CANARIES[1]}\nPhone ${CANARIES[2]}\n`.repeat(5000), 'utf8');
  await s.attachments.add({ messageId: ids[0] as number, fileName: `${CANARIES[0]}.pdf`, mime: 'application/pdf', data: doc });
  await s.attachments.add({ messageId: ids[4] as number, fileName: 'scan.txt', mime: 'text/plain', data: Readable.from([Buffer.from(CANARIES.join(' '), 'utf16le')]) });
  s.enqueueOutgoing({ clientId: 'out1', conversationId: c.id, senderJid: 'me@clinic.test', body: `re ${CANARIES[1]}`, sentAt: now - 90 * 86_400_000 });
  s.setSetting('draft', CANARIES[2]);
  return c;
}

beforeEach(() => {
  profileDir = makeTempDir('forensics');
  file = path.join(profileDir, 'store.db');
  key = randomBytes(32);
});
afterEach(() => removeTempDir(profileDir));

describe('store forensics: no canary bytes at rest', () => {
  it('finds none in the store, WAL or attachment blobs after close', async () => {
    const now = Date.now();
    const s = openStore({ file, key, create: true, now: () => now });
    await seed(s, now);
    // While open, the WAL holds the recent pages: they are encrypted too.
    expect(hits(profileDir)).toEqual([]);
    expect(s.search(CANARIES[1] as string).length).toBeGreaterThan(0);
    s.close();
    expect(hits(profileDir)).toEqual([]);
    // And the attachment round-trips, so the scan looked at real content.
    const again = openStore({ file, key, now: () => now });
    const att = again.attachments.list(1)[0];
    expect((await again.attachments.read(att?.id as number)).toString('utf8')).toContain(CANARIES[1]);
    again.close();
  });

  it('leaves no trace of purged or recalled text even after decrypting the database', async () => {
    const now = Date.now();
    const s = openStore({ file, key, create: true, now: () => now });
    const c = await seed(s, now);
    s.setConversationFlags(c.id, { title: 'Nurse station' });
    s.deleteSetting('draft');
    expect(await s.purge(30)).toMatchObject({ messages: 41, attachments: 2 });
    s.insertMessage({ clientId: 'keep', conversationId: c.id, senderJid: c.jid, body: 'plain follow-up', sentAt: now, direction: 'in' });
    s.insertMessage({ clientId: 'gone', conversationId: c.id, senderJid: c.jid, body: `late ${CANARIES[0]}`, sentAt: now, direction: 'in' });
    s.recallMessage('gone', now);
    s.close();
    expect(hits(profileDir)).toEqual([]);
    expect(fs.readdirSync(path.join(profileDir, 'attachments'))).toEqual([]);
    const scratch = makeTempDir('forensics-plain');
    try {
      const plain = plaintextCopy(scratch);
      expect(plain.includes(Buffer.from('plain follow-up'))).toBe(true); // the decryption worked
      for (const canary of CANARIES) for (const enc of encodings(canary)) expect(plain.includes(enc)).toBe(false);
    } finally {
      removeTempDir(scratch);
    }
  });
});
