import { describe, expect, it } from 'vitest';
import { firstPlaceholder, matching, slashQuery } from '../../renderer/src/quick-replies/picker.ts';

describe('quick replies in the composer', () => {
  const replies = [
    { text: 'Your {time} patient has arrived', source: 'organisation' as const },
    { text: 'Room {room} is ready', source: 'organisation' as const },
    { text: 'Back in 5 minutes', source: 'personal' as const },
  ];
  it('"/" at the start of the box asks for them; what follows filters', () => {
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/room')).toBe('room');
    expect(slashQuery('see /room')).toBeNull();
    expect(slashQuery('/room\nnext')).toBeNull();
    expect(matching(replies, '').map((r) => r.text)).toHaveLength(3);
    expect(matching(replies, 'ROOM').map((r) => r.text)).toEqual(['Room {room} is ready']);
  });
  it('selects the first placeholder so typing replaces it', () => {
    expect(firstPlaceholder('Your {time} patient has arrived')).toEqual({ start: 5, end: 11 });
    expect(firstPlaceholder('Back in 5 minutes')).toBeNull();
  });
});

describe('organisation quick replies come from managed configuration', () => {
  it('a machine or server layer sets them; staff cannot', async () => {
    const { PolicyService } = await import('../../electron/core/policy/service.ts');
    const { CoreEvents } = await import('../../electron/core/events.ts');
    const { silentLogger } = await import('../../electron/core/log/logger.ts');
    const replies = ['Your {time} patient has arrived', 'Room {room} is ready'];
    const managed = new PolicyService({ machine: { quickReplies: replies } }, new CoreEvents(silentLogger), silentLogger);
    expect(managed.organisation.quickReplies).toEqual(replies);
    const byUser = new PolicyService({ user: { quickReplies: ['Ignore the rules'] } }, new CoreEvents(silentLogger), silentLogger);
    expect(byUser.organisation.quickReplies ?? null).toBeNull();
  });
});
