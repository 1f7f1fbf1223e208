import { describe, expect, it } from 'vitest';
import { checkPassword, checkPin, isTrivialPin } from '../../electron/core/vault/secret-rules.ts';
import { cleanDisplayName } from '../../electron/core/vault/profile-meta.ts';

describe('vault PIN rules', () => {
  it('refuses trivial PINs: one digit, runs, repeated pairs and triples', () => {
    for (const pin of ['000000', '111111', '123456', '654321', '234567', '890123', '121212', '454545', '123123', '0123456789']) {
      expect(isTrivialPin(pin), pin).toBe(true);
      expect(checkPin(pin).ok, pin).toBe(false);
    }
  });
  it('accepts PINs without an obvious pattern', () => {
    for (const pin of ['284719', '987698', '502816', '31415926', '190273']) expect(checkPin(pin), pin).toEqual({ ok: true });
  });
  it('refuses short, long and non-digit PINs', () => {
    for (const pin of ['28471', '2847191234567', '28471a', ' 284719', '２８４７１９']) expect(checkPin(pin).ok, pin).toBe(false);
  });
});

describe('vault password rules', () => {
  it('needs at least 10 characters (or the policy minimum)', () => {
    expect(checkPassword('short-pw1').ok).toBe(false);
    expect(checkPassword('long-enough-1').ok).toBe(true);
    expect(checkPassword('long-enough-1', 16).ok).toBe(false);
  });
  it('counts characters, not UTF-16 units, and refuses blanks and one repeated character', () => {
    expect(checkPassword('😀😀😀😀😀').ok).toBe(false); // 5 characters, 10 UTF-16 units
    expect(checkPassword('          ').ok).toBe(false);
    expect(checkPassword('aaaaaaaaaaaa').ok).toBe(false);
  });
});

describe('profile display names', () => {
  it('trims and collapses spaces', () => {
    expect(cleanDisplayName('  Front   desk Sam ')).toBe('Front desk Sam');
  });
  it('refuses empty, overlong and control or bidi characters', () => {
    for (const bad of ['', '   ', 'x'.repeat(65), 'Sam\nAdmin', 'Sam\u202eevil', 'a\u0000b']) expect(cleanDisplayName(bad), JSON.stringify(bad)).toBeNull();
  });
});

describe('checkPin with policy minPinLength', () => {
  it('raises the minimum and names it; never lowers the built-in six', () => {
    expect(checkPin('28471936', 8)).toEqual({ ok: true });
    expect(checkPin('2847193', 8)).toMatchObject({ ok: false, tooShortFor: 8 });
    expect(checkPin('28471', 4)).toMatchObject({ ok: false, tooShortFor: 6 });
  });
});
