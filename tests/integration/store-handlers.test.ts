import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { conversationsHandlers } from '../../electron/core/ipc/handlers/conversations.ts';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { createProfileHolder, type ProfileHolder } from '../../electron/core/vault/open-profile.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { methods } from '../../shared/contract/index.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dataDir: string;
let keychain: Keychain;
let holder: ProfileHolder<Store>;

beforeEach(async () => {
  dataDir = makeTempDir('store-handlers');
  keychain = createKeytarKeychain(`Sealwire-test-${crypto.randomUUID()}`);
  const probe = await keychain.probe();
  if (!probe.ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh` (needs gnome-keyring: apt-get install -y gnome-keyring dbus-x11)');
  const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: { log2N: 10, r: 8, p: 1 } });
  holder = createProfileHolder<Store>({ vault, log: silentLogger, openStore: (o) => openStore(o) });
});
afterEach(async () => {
  await holder.close();
  for (const account of await keychain.accounts()) await keychain.delete(account);
  void removeTempDir(dataDir);
});

describe('conversation handlers over the open profile store', () => {
  it('declares PHI access and an audit name for every method', () => {
    for (const name of ['conversations.inbox', 'messages.page', 'messages.search', 'conversations.markRead'] as const) {
      expect(methods[name].access).toBe('phi');
      expect(methods[name].audit?.event).toMatch(/^(conversation\.|search)/);
    }
  });

  it('refuses while locked and serves the inbox, pages, search and mark-read once a profile is open', async () => {
    const h = conversationsHandlers({ requireStore: () => holder.require().store });
    const ctx = { transport: 'bridge' as const };
    expect(() => h['conversations.inbox']({}, ctx)).toThrow(expect.objectContaining({ code: 'locked' }));

    await holder.create('Front desk 1', 'a long enough passphrase 123');
    const store = holder.require().store;
    const c = store.ensureConversation({ kind: 'direct', jid: 'lab@clinic.test', title: 'Lab' });
    const ids = [1, 2, 3].map(
      (i) => store.insertMessage({ clientId: `h${i}`, conversationId: c.id, senderJid: c.jid, body: `lab results batch ${i}`, sentAt: i, direction: 'in' }).id,
    );

    const inbox = await h['conversations.inbox']({ limit: 10 }, ctx);
    expect(methods['conversations.inbox'].response.parse(inbox).entries[0]).toMatchObject({ jid: 'lab@clinic.test', unreadCount: 3 });
    const page = await h['messages.page']({ conversationId: c.id, limit: 2 }, ctx);
    expect(methods['messages.page'].response.parse(page).messages.map((m) => m.clientId)).toEqual(['h2', 'h3']);
    const older = await h['messages.page']({ conversationId: c.id, before: page.olderCursor as string }, ctx);
    expect(older.messages.map((m) => m.clientId)).toEqual(['h1']);
    const found = await h['messages.search']({ query: 'results' }, ctx);
    expect(methods['messages.search'].response.parse(found).hits).toHaveLength(3);
    const read = await h['conversations.markRead']({ conversationId: c.id, upToMessageId: ids[1] as number }, ctx);
    expect(methods['conversations.markRead'].response.parse(read)).toEqual({ unreadCount: 1 });

    await holder.close();
    expect(() => h['messages.search']({ query: 'results' }, ctx)).toThrow(expect.objectContaining({ code: 'locked' }));
  });
});
