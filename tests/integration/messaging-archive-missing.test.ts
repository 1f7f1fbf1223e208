import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/core/log/logger.ts';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { openAccount, tempDir, until, type Account } from './messaging-support.ts';
import { removeTempDir } from '../support/temp-dir.ts';

/** Issue 13: a server with archiving off is detected and said in plain words, not a silent empty sync. */
let noArchive: ProsodyHandle;
let withArchive: ProsodyHandle;
let dir: string;
const open: Account[] = [];

beforeAll(async () => {
  const users = ['desk', 'lab'].map((u) => ({ username: u, password: `pw-${u}` }));
  noArchive = await startProsody({ users, mucDomain: false, httpUpload: false, extraConfig: 'modules_disabled = { "s2s"; "mam" }' });
  withArchive = await startProsody({ users, mucDomain: false, httpUpload: false });
  dir = await tempDir();
});

afterAll(async () => {
  for (const a of open) await a.close().catch(() => {});
  await noArchive?.stop();
  await withArchive?.stop();
  if (dir) await removeTempDir(dir);
});

describe('a server without a usable message archive', () => {
  it('is reported (status flag and log code) while messaging keeps working; a server with one reports ok', async () => {
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, error() {}, warn: (code) => void warnings.push(code) };
    const desk = await openAccount(noArchive, { dir, username: 'desk', log });
    const lab = await openAccount(noArchive, { dir, username: 'lab' });
    open.push(desk, lab);
    expect(desk.engine.archiveStatus).toBe('missing');
    expect(warnings).toContain('messaging.archive_unavailable');
    const sent = desk.engine.send({ to: lab.jid, body: 'still works' });
    await until(() => lab.store.getMessageByClientId(sent.clientId) !== null, 10_000, 'delivery without an archive');

    const ok = await openAccount(withArchive, { dir, username: 'desk' });
    open.push(ok);
    expect(ok.engine.archiveStatus).toBe('ok');
  });
});
