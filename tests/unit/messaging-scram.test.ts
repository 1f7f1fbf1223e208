import { describe, expect, it } from 'vitest';
import { createScramClient, ScramError } from '../../electron/core/messaging/scram.ts';

describe('SCRAM client', () => {
  it('matches the RFC 5802 SCRAM-SHA-1 example', () => {
    const c = createScramClient('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    expect(c.initial).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = c.respond('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(final).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(() => c.verify('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')).not.toThrow();
  });

  it('matches the RFC 7677 SCRAM-SHA-256 example', () => {
    const c = createScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    const final = c.respond('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(final).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => c.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('rejects a server that cannot prove the password', () => {
    const c = createScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    c.respond('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(() => c.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(ScramError);
    expect(() => c.verify('e=other-error')).toThrow(ScramError);
  });

  it('rejects a nonce the client did not start, and absurd iteration counts', () => {
    const c = createScramClient('sha1', 'user', 'pencil', 'abc');
    expect(() => c.respond('r=xyz123,s=QSXCR+Q6sek8bf92,i=4096')).toThrow('bad-nonce');
    expect(() => c.respond('r=abc123,s=QSXCR+Q6sek8bf92,i=999999999')).toThrow('bad-iterations');
  });

  it('escapes = and , in the user name', () => {
    expect(createScramClient('sha1', 'a=b,c', 'p', 'n').initial).toBe('n,,n=a=3Db=2Cc,r=n');
  });

  it('costs milliseconds, not the ~0.9 s of a pure-JS PBKDF2', () => {
    const c = createScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    const t = performance.now();
    c.respond('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(performance.now() - t).toBeLessThan(200);
  });
});
