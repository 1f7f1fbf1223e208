import { describe, expect, it } from 'vitest';
import { checkAgainstKnownHeads } from '../../electron/core/audit/head-check.ts';

const h = (n: number) => n.toString(16).padStart(64, '0');
/** A trail of `seq` records whose record n hashes to h(n); retention removed those below `purgedBelow`. */
const trail = (seq: number, purgedBelow = 1) => ({
  seq,
  hashAt: (s: number) => (s < purgedBelow ? undefined : s > seq ? null : h(s)),
});

describe('comparing an opened trail with heads known from outside the file', () => {
  it('accepts a file at or ahead of the known head (the keychain copy lags by design)', () => {
    expect(checkAgainstKnownHeads(trail(10), [{ seq: 10, hash: h(10) }])).toBeNull();
    expect(checkAgainstKnownHeads(trail(300), [{ seq: 10, hash: h(10) }])).toBeNull();
    expect(checkAgainstKnownHeads(trail(0), [{ seq: 0, hash: h(0) }])).toBeNull();
  });
  it('calls a file behind any known head rolled back', () => {
    expect(checkAgainstKnownHeads(trail(9), [{ seq: 10, hash: h(10) }])).toBe('rolled_back');
    expect(checkAgainstKnownHeads(trail(12), [{ seq: 10, hash: h(10) }, { seq: 15, hash: h(15) }])).toBe('rolled_back');
  });
  it('calls a different record at a known seq replaced, and skips heads retention removed', () => {
    expect(checkAgainstKnownHeads(trail(20), [{ seq: 10, hash: h(11) }])).toBe('replaced');
    expect(checkAgainstKnownHeads(trail(20, 15), [{ seq: 10, hash: h(11) }])).toBeNull();
  });
});
