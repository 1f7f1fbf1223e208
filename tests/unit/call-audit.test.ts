import { describe, expect, it } from 'vitest';
import { auditEntryForCall } from '../../electron/core/audit/call-audit.ts';

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
});
