import { describe, expect, it } from 'vitest';
import { auditEntryForCall, RefreshCoalescer } from '../../electron/core/audit/call-audit.ts';
import { AUDIT_REFRESH_MS } from '../../shared/contract/index.ts';

const key = Buffer.alloc(32, 7);
const profileId = '3f2c7a4e-9b1d-4c2e-8f6a-1b2c3d4e5f60';

describe('audit record for a contract call', () => {
  it('names ids as targets and never the search term or an address in clear', () => {
    const search = auditEntryForCall('messages.search', 'ok', { query: 'Philippa Canarywood' }, profileId, key);
    expect(search).toMatchObject({ event: 'search', staffId: profileId, outcome: 'ok' });
    expect(JSON.stringify(search)).not.toContain('Canarywood');
    expect(search?.targets?.[0]).toMatch(/^search:[0-9a-f]{32}$/);
    const send = auditEntryForCall('messaging.send', 'ok', { to: 'ben@clinic.example', body: 'MRN 123' }, profileId, key);
    expect(JSON.stringify(send)).not.toMatch(/ben@|MRN/);
    const open = auditEntryForCall('messages.page', 'ok', { conversationId: 42 }, profileId, key);
    expect(open).toMatchObject({ event: 'conversation.open', targets: ['conversation:42'] });
  });

  it('records failed secrets as auth.failed and a destroyed PIN slot as such', () => {
    expect(auditEntryForCall('profiles.open', 'wrong_password', { profileId, password: 'x' }, null, key)).toMatchObject({
      event: 'auth.failed',
      outcome: 'denied',
      code: 'wrong_password',
      targets: [`profile:${profileId}`],
    });
    expect(auditEntryForCall('profiles.unlockWithPin', 'pin_locked_out', { profileId, pin: '1' }, profileId, key)).toMatchObject({ event: 'auth.pin_destroyed' });
    expect(auditEntryForCall('account.firstSignIn', 'certificate', { server: 'x', username: 'u', password: 'p', displayName: 'd' }, null, key)).toMatchObject({
      event: 'auth.failed',
      outcome: 'error',
    });
  });

  it('writes nothing twice: successes that the handler or the session transition records are skipped', () => {
    for (const method of ['profiles.open', 'profiles.unlockWithPin', 'profiles.close', 'profiles.create', 'account.firstSignIn'] as const) {
      expect(auditEntryForCall(method, 'ok', {}, profileId, key), method).toBeNull();
    }
    expect(auditEntryForCall('system.status', 'ok', {}, null, key)).toBeNull();
    expect(auditEntryForCall('messages.page', 'invalid_request', {}, profileId, key)).toBeNull();
  });

  it('records calls refused while locked as denied', () => {
    expect(auditEntryForCall('conversations.inbox', 'locked', {}, profileId, key)).toMatchObject({ event: 'conversation.list', outcome: 'denied', code: 'locked' });
  });

  it('keeps one record per refresh window for each person and conversation, and every failure', () => {
    let now = 1_000;
    const coalescer = new RefreshCoalescer(() => now);
    const entry = (method: 'conversations.inbox' | 'messages.page' | 'conversations.markRead' | 'messages.search', request: object, staffId = profileId) =>
      auditEntryForCall(method, 'ok', request, staffId, key)!;
    expect(coalescer.keep('conversations.inbox', entry('conversations.inbox', {}))).toBe(true);
    expect(coalescer.keep('conversations.inbox', entry('conversations.inbox', {}))).toBe(false);
    expect(coalescer.keep('conversations.inbox', entry('conversations.inbox', {}, 'p_other'))).toBe(true);
    expect(coalescer.keep('messages.page', entry('messages.page', { conversationId: 1 }))).toBe(true);
    expect(coalescer.keep('messages.page', entry('messages.page', { conversationId: 2 }))).toBe(true);
    expect(coalescer.keep('messages.page', entry('messages.page', { conversationId: 1, before: 'c' }))).toBe(false);
    // Read markers move with each message; the conversation is what counts.
    expect(coalescer.keep('conversations.markRead', entry('conversations.markRead', { conversationId: 1, upToMessageId: 5 }))).toBe(true);
    expect(coalescer.keep('conversations.markRead', entry('conversations.markRead', { conversationId: 1, upToMessageId: 6 }))).toBe(false);
    // Searches are always a person's action; refusals are always written.
    expect(coalescer.keep('messages.search', entry('messages.search', { query: 'x' }))).toBe(true);
    expect(coalescer.keep('messages.search', entry('messages.search', { query: 'x' }))).toBe(true);
    const refused = auditEntryForCall('conversations.inbox', 'locked', {}, profileId, key)!;
    expect(coalescer.keep('conversations.inbox', refused)).toBe(true);
    expect(coalescer.keep('conversations.inbox', refused)).toBe(true);
    now += AUDIT_REFRESH_MS;
    expect(coalescer.keep('conversations.inbox', entry('conversations.inbox', {}))).toBe(true);
    coalescer.reset();
    expect(coalescer.keep('conversations.inbox', entry('conversations.inbox', {}))).toBe(true);
  });
});
