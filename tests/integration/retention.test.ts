import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app.ts';
import { createKeytarKeychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { fakeTime } from '../support/fake-time.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const DAY = 24 * 60 * 60 * 1000;
let core: Core | null = null;
let dataDir = '';

afterEach(async () => {
  await core?.close();
  if (dataDir) await removeTempDir(dataDir);
});

describe('message retention from policy', () => {
  it('purges messages older than the limit when the profile unlocks, and keeps newer ones', async () => {
    dataDir = makeTempDir('retention');
    const time = fakeTime(Date.now());
    core = createCore({
      appVersion: 't',
      dataDir,
      runtime: 'bridge',
      log: silentLogger,
      keychain: createKeytarKeychain(`Sealwire-test-${randomUUID()}`),
      machinePolicy: { messageRetentionDays: 30 },
      clock: time,
      timers: time,
    });
    await core.ready;
    const call = (m: string, r: unknown) => core!.dispatcher.call(m, r, { transport: 'bridge' });
    const created = await call('profiles.create', { displayName: 'Desk', password: 'retention-password-1' });
    expect(created.ok).toBe(true);
    const profileId = (created as { value: { profile: { id: string } } }).value.profile.id;

    const store = core.profiles.require().store;
    const conversation = store.ensureConversation({ kind: 'direct', jid: 'ben@localhost' });
    const put = (clientId: string, ageDays: number) =>
      store.insertMessage({ clientId, conversationId: conversation.id, senderJid: 'ben@localhost', body: `note ${clientId}`, sentAt: Date.now() - ageDays * DAY, receivedAt: Date.now() - ageDays * DAY, direction: 'in' });
    put('old-1', 45);
    put('old-2', 31);
    put('new-1', 2);

    expect((await call('session.lockNow', { via: 'button' })).ok).toBe(true);
    expect((await call('profiles.open', { profileId, password: 'retention-password-1' })).ok).toBe(true);
    const reopened = core.profiles.require().store;
    const deadline = Date.now() + 5_000;
    while (reopened.getMessageByClientId('old-1') !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(reopened.getMessageByClientId('old-1')).toBeNull();
    expect(reopened.getMessageByClientId('old-2')).toBeNull();
    expect(reopened.getMessageByClientId('new-1')).not.toBeNull();
  });
});
