import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAesgcmUrl } from '../../electron/core/messaging/aesgcm-url.ts';
import { buildChat } from '../../node-shared/xmpp/stanzas.ts';
import tls from 'node:tls';
import { spkiSha256 } from '../../electron/core/messaging/transport.ts';
import { httpGet } from '../../electron/core/messaging/upload.ts';
import { prosodyForFile, until } from '../integration/messaging-support.ts';

/**
 * Issue 8 item 7: an attachment's address is a bearer capability. Files are encrypted before
 * upload (XEP-0454 aesgcm://), so the server's upload folder and a plain download hold only
 * ciphertext, and only the recipient (who has the fragment) opens the file.
 */
const file = prosodyForFile(['desk', 'lab']);
const account = (username: string) => file.account(username);

async function filesUnder(root: string): Promise<string[]> {
  const entries = await fsp.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('attachments are encrypted before upload', () => {
  it('the upload folder and a plain download hold no canary; the recipient opens the file; a tampered file is refused', async () => {
    const d = file.prosody.domain;
    const desk = await account('desk');
    const lab = await account('lab');
    const canary = `uploadcanary-${randomBytes(8).toString('hex')}`;
    const data = Buffer.concat([Buffer.from(`Patient summary ${canary}\n`), randomBytes(50_000), Buffer.from(canary)]);
    const sent = await desk.engine.sendAttachment({ to: `lab@${d}`, fileName: 'summary.txt', mime: 'text/plain', data });

    // The address shared is aesgcm:// with the key in the fragment; the server never sees it.
    const address = parseAesgcmUrl(sent.body);
    expect(address).not.toBeNull();
    expect(sent.body.split('#')[1]).toMatch(/^[0-9a-f]{88}$/);

    // Whoever learns only the https address downloads ciphertext.
    const plain = await httpGet(address!.https, { ca: file.prosody.caCertPem, hostsFor: () => [file.prosody.host] });
    expect(plain.length).toBe(data.length + 16);
    expect(plain.includes(canary)).toBe(false);

    // Nothing under the server's data folder (uploads, archive, logs) holds the canary.
    for (const f of await filesUnder(file.prosody.dataDir)) {
      // Prosody's SQLite journal comes and goes while the server runs: a file gone since the listing holds nothing.
      const bytes = await fsp.readFile(f).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? Buffer.alloc(0) : Promise.reject(err)));
      expect(bytes.includes(canary), f).toBe(false);
    }

    // The recipient has the file, decrypted and checked.
    await until(() => (lab.store.getMessageByClientId(sent.clientId)?.attachmentCount ?? 0) === 1, 15_000, 'attachment arrives');
    const stored = lab.store.attachments.list(lab.store.getMessageByClientId(sent.clientId)!.id)[0]!;
    expect(stored).toMatchObject({ fileName: 'summary.txt', mime: 'text/plain', size: data.length });
    expect((await lab.store.attachments.read(stored.id)).equals(data)).toBe(true);

    // Same ciphertext, wrong key: the tag check fails and nothing is stored.
    const fragment = sent.body.split('#')[1]!;
    const badKey = `${fragment.slice(0, 24)}${randomBytes(32).toString('hex')}`;
    const bad = `${sent.body.split('#')[0]}#${badKey}`;
    desk.manager.send(
      buildChat({ to: `lab@${d}`, id: 'tampered-1', body: bad, sentAt: Date.now(), priority: 'normal', patientTag: null, attachment: { url: bad, fileName: 'x.txt', mime: 'text/plain', size: data.length } }),
    );
    const ok = await desk.engine.sendAttachment({ to: `lab@${d}`, fileName: 'after.txt', mime: 'text/plain', data: Buffer.from('after') });
    await until(() => (lab.store.getMessageByClientId(ok.clientId)?.attachmentCount ?? 0) === 1, 15_000, 'later attachment arrives');
    await new Promise((r) => setTimeout(r, 500));
    expect(lab.store.getMessageByClientId('tampered-1')?.attachmentCount).toBe(0);
  });

  it('HTTP download and upload trust only the organisation pins, like the XMPP connection (a CA-signed server with another key is refused)', async () => {
    const desk = await account('desk');
    const sent = await desk.engine.sendAttachment({ to: `lab@${file.prosody.domain}`, fileName: 'pin.txt', mime: 'text/plain', data: Buffer.from('pinned') });
    const https = parseAesgcmUrl(sent.body)!.https;
    const url = new URL(https);
    const serverPin = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: file.prosody.host, port: Number(url.port), servername: url.hostname, ca: file.prosody.caCertPem }, () => {
        resolve(spkiSha256(socket.getPeerCertificate()));
        socket.end();
      });
      socket.on('error', reject);
    });
    const base = { ca: file.prosody.caCertPem, hostFor: () => file.prosody.host };
    expect((await httpGet(https, { ...base, pinSha256: [serverPin] })).length).toBe('pinned'.length + 16);
    // The same CA vouches for the server, but its key is not one the organisation pinned.
    await expect(httpGet(https, { ...base, pinSha256: [`${'A'.repeat(43)}=`] })).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
  });
});
