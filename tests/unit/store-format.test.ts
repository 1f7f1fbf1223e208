import { describe, expect, it } from 'vitest';
import { buildFtsQuery, clampLimit, decodeCursor, encodeCursor, isForward, makePreview } from '../../electron/core/store/format.ts';

describe('store format helpers', () => {
  it('round-trips cursors and rejects anything else', () => {
    for (const pos of [{ at: 0, id: 1 }, { at: 1_767_225_600_000, id: 987_654 }, { at: -5, id: 3 }]) {
      expect(decodeCursor(encodeCursor(pos))).toEqual(pos);
    }
    for (const bad of ['', 'abc', '1.2.3', 'x.-1', '1 .2', 'zzzzzzzzzzzzz.1', '__proto__']) expect(decodeCursor(bad)).toBeNull();
  });

  it('clamps page sizes', () => {
    expect(clampLimit(undefined)).toBe(50);
    expect(clampLimit(0)).toBe(1);
    expect(clampLimit(10_000)).toBe(200);
    expect(clampLimit(Number.NaN)).toBe(50);
    expect(clampLimit(7.9)).toBe(7);
  });

  it('makes one-line previews cut at code points', () => {
    expect(makePreview(null)).toBeNull();
    expect(makePreview('  \n ')).toBeNull();
    expect(makePreview('a\n\nb   c')).toBe('a b c');
    const long = '😀'.repeat(200);
    const p = makePreview(long, 10) as string;
    expect(Array.from(p)).toHaveLength(10);
    expect(p.endsWith('…')).toBe(true);
    expect(p.includes('\uFFFD')).toBe(false);
  });

  it('quotes every search word so FTS5 syntax cannot be injected', () => {
    expect(buildFtsQuery('insurance card')).toBe('"insurance" "card" *');
    expect(buildFtsQuery('a" OR body:* NEAR(xray')).toBe('"a" "OR" "body" "NEAR" "xray" *');
    // Short last words match exactly: a one- or two-letter prefix would expand to hundreds of terms.
    expect(buildFtsQuery('ok t')).toBe('"ok" "t"');
    expect(buildFtsQuery('lab')).toBe('"lab"');
    expect(buildFtsQuery('  ')).toBeNull();
    expect(buildFtsQuery('***')).toBeNull();
    expect(buildFtsQuery('Müller')).toBe('"Müller" *');
    expect(buildFtsQuery('w '.repeat(50))?.split(' ').length).toBe(8);
  });

  it('orders states forward only', () => {
    expect(isForward('queued', 'sent')).toBe(true);
    expect(isForward('queued', 'failed')).toBe(true);
    expect(isForward('failed', 'sent')).toBe(true);
    expect(isForward('read', 'delivered')).toBe(false);
    expect(isForward('sent', 'failed')).toBe(false);
    expect(isForward('read', 'read')).toBe(false);
  });
});
