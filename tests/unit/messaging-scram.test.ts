import { describe, expect, it } from 'vitest';
import { createScramClient, ScramError, type ScramOptions } from '../../electron/core/messaging/scram.ts';

const sha1 = (password: string, nonce: string, extra: Partial<ScramOptions> = {}) =>
  createScramClient({ hash: 'sha1', username: 'user', secret: { password }, nonce, ...extra });
const sha256 = (nonce: string, extra: Partial<ScramOptions> = {}) =>
  createScramClient({ hash: 'sha256', username: 'user', secret: { password: 'pencil' }, nonce, ...extra });
const RFC7677_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

describe('SCRAM client', () => {
  it('matches the RFC 5802 SCRAM-SHA-1 example', async () => {
    const c = sha1('pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    expect(c.initial).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = await c.respond('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(final).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(() => c.verify('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')).not.toThrow();
  });

  it('matches the RFC 7677 SCRAM-SHA-256 example', async () => {
    const c = sha256('rOprNGfwEbeRWgbNEkqO');
    const final = await c.respond(RFC7677_FIRST);
    expect(final).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => c.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('re-authenticates from the stored keys alone, with the same proof and server check, and no password', async () => {
    const first = sha256('rOprNGfwEbeRWgbNEkqO');
    await first.respond(RFC7677_FIRST);
    const keys = first.keys()!;
    expect(keys).toMatchObject({ hash: 'sha256', salt: 'W22ZaJ0SNY7soEsUEjb6gQ==', iterations: 4096 });
    expect(JSON.stringify(keys)).not.toContain('pencil');
    const again = createScramClient({ hash: 'sha256', username: 'user', secret: { keys }, nonce: 'rOprNGfwEbeRWgbNEkqO' });
    expect(await again.respond(RFC7677_FIRST)).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => again.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
    // The server re-salted (password reset): the keys no longer fit, and nothing is guessed.
    const stale = createScramClient({ hash: 'sha256', username: 'user', secret: { keys }, nonce: 'abc' });
    await expect(stale.respond('r=abc123,s=QSXCR+Q6sek8bf92,i=4096')).rejects.toThrow('keys-outdated');
  });

  it('rejects a server that cannot prove the password', async () => {
    const c = sha256('rOprNGfwEbeRWgbNEkqO');
    await c.respond(RFC7677_FIRST);
    expect(() => c.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(ScramError);
    expect(() => c.verify('e=other-error')).toThrow(ScramError);
  });

  it('rejects a nonce the client did not start, absurd iteration counts, and counts under the minimum', async () => {
    await expect(sha1('pencil', 'abc').respond('r=xyz123,s=QSXCR+Q6sek8bf92,i=4096')).rejects.toThrow('bad-nonce');
    await expect(sha1('pencil', 'abc').respond('r=abc123,s=QSXCR+Q6sek8bf92,i=999999999')).rejects.toThrow('bad-iterations');
    await expect(sha1('pencil', 'abc').respond('r=abc123,s=QSXCR+Q6sek8bf92,i=4095')).rejects.toThrow('weak-iterations');
    // Policy may raise the floor, never lower it.
    await expect(sha1('pencil', 'abc', { minIterations: 10_000 }).respond('r=abc123,s=QSXCR+Q6sek8bf92,i=4096')).rejects.toThrow('weak-iterations');
    await expect(sha1('pencil', 'abc', { minIterations: 1 }).respond('r=abc123,s=QSXCR+Q6sek8bf92,i=1')).rejects.toThrow('weak-iterations');
  });

  it('escapes = and , in the user name', () => {
    expect(createScramClient({ hash: 'sha1', username: 'a=b,c', secret: { password: 'p' }, nonce: 'n' }).initial).toBe('n,,n=a=3Db=2Cc,r=n');
  });

  it('says "y" when it could bind but the server offered no -PLUS, and binds the data with "p"', async () => {
    expect(sha256('n', { binding: { flag: 'y' } }).initial).toBe('y,,n=user,r=n');
    const data = Buffer.from('0123456789abcdef0123456789abcdef');
    const c = sha256('n', { binding: { flag: 'p', type: 'tls-exporter', data } });
    expect(c.initial).toBe('p=tls-exporter,,n=user,r=n');
    const final = await c.respond('r=n123,s=QSXCR+Q6sek8bf92,i=4096');
    const cb = Buffer.from(/^c=([^,]+)/.exec(final)![1]!, 'base64');
    expect(cb).toEqual(Buffer.concat([Buffer.from('p=tls-exporter,,'), data]));
  });

  it('derives off the main thread: timers keep firing during a 600,000-iteration PBKDF2', async () => {
    const c = sha256('abc');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t = performance.now();
    await c.respond('r=abc123,s=QSXCR+Q6sek8bf92,i=600000');
    const elapsed = performance.now() - t;
    clearInterval(timer);
    // A synchronous derivation would leave zero ticks however long it took.
    expect(ticks).toBeGreaterThan(Math.min(3, elapsed / 50));
  });
});
