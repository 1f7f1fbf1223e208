import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeviceEvidence, MethodName, RequestOf, ResponseOf, Result } from '../../../shared/contract/index.ts';
import { createCore } from '../../core/app.ts';
import { createKeytarKeychain } from '../../core/keychain/keychain.ts';
import { silentLogger } from '../../core/log/logger.ts';
import { organisationServerFrom } from '../workstation.ts';
import { devServerOf, startXmppServer } from '../xmpp-server.ts';

const ADMIN = { username: 'evidence-admin', password: 'evidence-admin-password-1' };

/**
 * The device-side checks run on a workstation set up for this run, as an administrator would run
 * them from the app: a real core on the real keychain and real files, signed in through a real
 * Prosody as an admin, one conversation stored, then `compliance.deviceEvidence` over the contract.
 * `seedText` is written as the staff member's name, a colleague's address and a message, so a test
 * can check that none of it reaches the report. Everything it made is removed afterwards.
 */
export async function sampleDeviceEvidence(opts: { appVersion: string; seedText: string }): Promise<DeviceEvidence> {
  const server = await startXmppServer('prosody', { users: [ADMIN], mucDomain: false, httpUpload: false });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-evidence-device-'));
  const keychain = createKeytarKeychain(`Sealwire-evidence-${randomUUID()}`);
  const core = createCore({
    appVersion: opts.appVersion,
    dataDir,
    runtime: 'bridge',
    log: silentLogger,
    keychain,
    server: organisationServerFrom(devServerOf(server), [`${ADMIN.username}@${server.domain}`]),
  });
  const call = <M extends MethodName>(method: M, request: RequestOf<M>) =>
    core.dispatcher.call(method, request, { transport: 'bridge' }) as Promise<Result<ResponseOf<M>>>;
  try {
    await core.ready;
    const signedIn = await call('account.firstSignIn', { server: server.domain, username: ADMIN.username, password: ADMIN.password, displayName: opts.seedText.slice(0, 64) });
    if (!signedIn.ok) throw new Error(`sample workstation sign-in failed: ${signedIn.error.code}`);
    const store = core.profiles.require().store;
    const peer = `${opts.seedText.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 40) || 'colleague'}@${server.domain}`;
    const conversation = store.ensureConversation({ kind: 'direct', jid: peer });
    store.insertMessage({ clientId: randomUUID(), conversationId: conversation.id, senderJid: peer, body: opts.seedText, sentAt: Date.now(), direction: 'in' });
    const evidence = await call('compliance.deviceEvidence', {});
    if (!evidence.ok) throw new Error(`device evidence failed: ${evidence.error.code}`);
    return evidence.value;
  } finally {
    await core.close().catch(() => undefined);
    for (const account of await keychain.accounts().catch(() => [])) await keychain.delete(account).catch(() => false);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.stop();
  }
}
