import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, messageTime, offlineStamp, wireField, wireText } from '../../node-shared/xmpp/wire-bounds.ts';

describe('wire bounds', () => {
  it('cleans text: lone surrogates, controls, bidi overrides; clips without splitting a pair', () => {
    expect(wireText('a\uD800b\uDC00c', 100)).toBe('a\uFFFDb\uFFFDc');
    expect(wireText('x\u0000\u007F\u0085\u202Ey\u2066z', 100)).toBe('xyz');
    expect(wireText('line\nbreak\ttab', 100)).toBe('line break tab');
    expect(wireText('line\nbreak', 100, true)).toBe('line\nbreak');
    expect(wireText('ab\uD83D\uDE00', 3)).toBe('ab');
    expect(wireField('  \u202E ', 10)).toBeNull();
  });

  it('a sender time counts only near the server stamp or receive time', () => {
    const now = 1_800_000_000_000;
    expect(messageTime(now - 1_000, null, now)).toBe(now - 1_000);
    expect(messageTime(now + 100 * 365 * 86_400_000, null, now)).toBe(now);
    expect(messageTime(1e300, null, now)).toBe(now);
    expect(messageTime(now - 3_600_000, now - 3_600_000 + 5, now)).toBe(now - 3_600_000);
    expect(messageTime(null, now + 10 * CLOCK_SKEW_MS, now)).toBe(now);
    expect(offlineStamp({ stamp: now - 3_600_000, from: 'clinic.test' }, 'clinic.test', now)).toBe(now - 3_600_000);
    expect(offlineStamp({ stamp: now - 3_600_000, from: 'evil.test' }, 'clinic.test', now)).toBeNull();
    expect(offlineStamp({ stamp: 0, from: 'clinic.test' }, 'clinic.test', now)).toBeNull();
  });
});
