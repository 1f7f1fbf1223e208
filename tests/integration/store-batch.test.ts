import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

describe('Store.batch (group commit)', () => {
  let dir: string;
  let store: Store;
  let reader: Store;

  beforeEach(() => {
    dir = makeTempDir('store-batch');
    const key = randomBytes(32);
    const file = path.join(dir, 'profile.db');
    store = openStore({ file, key, create: true });
    // A second connection on the same file sees only what has been committed.
    reader = openStore({ file, key });
  });

  afterEach(() => {
    reader.close();
    store.close();
    void removeTempDir(dir);
  });

  it('commits everything written inside it at once, and returns what fn returns', () => {
    const conversation = store.ensureConversation({ kind: 'direct', jid: 'bob@clinic.test' });
    const seenInside: Array<string | null> = [];
    const out = store.batch(() => {
      expect(store.inBatch).toBe(true);
      store.setSetting('a', '1');
      for (let i = 0; i < 5; i++) {
        store.insertMessage({ clientId: `m${i}`, conversationId: conversation.id, senderJid: 'bob@clinic.test', body: `b${i}`, sentAt: i + 1, direction: 'in' });
      }
      store.setSyncState('mam:self', 'cursor-1');
      seenInside.push(reader.getSetting('a'), reader.getSyncState('mam:self'), reader.getMessageByClientId('m4')?.clientId ?? null);
      return 'done';
    });
    expect(out).toBe('done');
    expect(seenInside).toEqual([null, null, null]);
    expect(store.inBatch).toBe(false);
    expect(reader.getSetting('a')).toBe('1');
    expect(reader.getSyncState('mam:self')).toBe('cursor-1');
    expect(reader.messagesPage(conversation.id).messages.map((m) => m.clientId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('keeps nothing when fn throws, including writes that open their own transaction', () => {
    const conversation = store.ensureConversation({ kind: 'direct', jid: 'bob@clinic.test' });
    expect(() =>
      store.batch(() => {
        store.setSetting('a', '1');
        store.enqueueOutgoing({ clientId: 'out-1', conversationId: conversation.id, senderJid: 'me@clinic.test', body: 'x', sentAt: 1 });
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(store.getSetting('a')).toBeNull();
    expect(store.getMessageByClientId('out-1')).toBeNull();
    expect(store.outboxSize()).toBe(0);
  });

  it('is re-entrant: a batch inside a batch just runs and commits or rolls back with the outer one', () => {
    store.batch(() => {
      store.batch(() => store.setSetting('inner', 'kept'));
      expect(reader.getSetting('inner')).toBeNull();
    });
    expect(reader.getSetting('inner')).toBe('kept');

    expect(() =>
      store.batch(() => {
        store.batch(() => store.setSetting('inner2', 'gone'));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(store.getSetting('inner2')).toBeNull();
  });

  it('refuses an async fn (a commit cannot wait for a promise) and keeps nothing it wrote', () => {
    expect(() =>
      store.batch(() => {
        store.setSetting('async', 'no');
        return Promise.resolve();
      }),
    ).toThrow(TypeError);
    expect(store.getSetting('async')).toBeNull();
  });

  it('is refused once the store is closed', () => {
    reader.close();
    expect(() => reader.batch(() => 1)).toThrow(expect.objectContaining({ code: 'locked' }));
  });
});
