import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_REFRESH_MS, type Result } from '../../shared/contract/index.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { startTestCore } from '../support/test-core.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean().catch(() => undefined);
  await removeTempDirs();
});

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

describe('the audit trail records what a person does, not each screen refresh', () => {
  it('writes one conversation.list per session and window, one conversation.open per opening (not per page), and every search', async () => {
    const { core, time, call, forget } = await startTestCore();
    cleanups.push(forget);

    const id = ok(await call('profiles.create', { displayName: 'Amara', password: 'amara-correct-horse-1' })).profile.id;
    const store = core.profiles.require().store;
    const conversation = store.ensureConversation({ kind: 'direct', jid: 'ben@clinic.example' });
    store.insertMessage({ clientId: randomUUID(), conversationId: conversation.id, senderJid: 'ben@clinic.example', body: 'hello', sentAt: time.now(), direction: 'in' });

    // Opening the conversation is one record; the inbox re-read and the pages scrolled in after it are not.
    ok(await call('conversations.open', { conversationId: conversation.id, limit: 50 }));
    for (let i = 0; i < 10; i++) {
      ok(await call('conversations.inbox', {}));
      ok(await call('messages.page', { conversationId: conversation.id }));
    }
    // The open thread marks each new message read as it arrives: one record for the conversation.
    for (let i = 0; i < 5; i++) {
      const m = store.insertMessage({ clientId: randomUUID(), conversationId: conversation.id, senderJid: 'ben@clinic.example', body: `more ${i}`, sentAt: time.now(), direction: 'in' });
      ok(await call('conversations.markRead', { conversationId: conversation.id, upToMessageId: m.id }));
    }
    ok(await call('messages.search', { query: 'hello' }));
    ok(await call('messages.search', { query: 'hello' }));
    const events = async () => ok(await call('audit.myActivity', { limit: 100 })).records.map((r) => r.event);
    const count = async (event: string) => (await events()).filter((e) => e === event).length;
    expect(await count('conversation.list')).toBe(1);
    expect(await count('conversation.open')).toBe(1);
    expect(await count('conversation.read')).toBe(1);
    expect(await count('search')).toBe(2);

    // Another conversation is another record, and so is opening the first one again.
    const other = store.ensureConversation({ kind: 'direct', jid: 'cara@clinic.example' });
    ok(await call('conversations.open', { conversationId: other.id }));
    expect(await count('conversation.open')).toBe(2);
    ok(await call('conversations.open', { conversationId: conversation.id }));
    ok(await call('messages.page', { conversationId: conversation.id }));
    expect(await count('conversation.open')).toBe(3);
    // The window passing records the same refresh again.
    // (The person stays active, so the idle lock does not end the session meanwhile.)
    for (let waited = 0; waited < AUDIT_REFRESH_MS; waited += 60_000) {
      time.advance(60_000);
      ok(await call('session.reportActivity', {}));
    }
    ok(await call('conversations.inbox', {}));
    expect(await count('conversation.list')).toBe(2);

    // A new session (lock, unlock) records the first look again; a refused call is always recorded.
    ok(await call('session.lockNow', { via: 'button' }));
    expect(await call('conversations.inbox', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    ok(await call('profiles.open', { profileId: id, password: 'amara-correct-horse-1' }));
    ok(await call('conversations.inbox', {}));
    const list = ok(await call('audit.myActivity', { limit: 100 })).records.filter((r) => r.event === 'conversation.list');
    expect(list.map((r) => r.outcome)).toEqual(expect.arrayContaining(['ok', 'ok', 'denied', 'ok']));
    expect(list).toHaveLength(4);
  });
});
