import { describe, expect, it } from 'vitest';
import { appResponseHeaders, buildCsp } from '../../electron/core/shell/csp.ts';

const directives = (csp: string) =>
  new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));

describe('CSP', () => {
  it('connects nowhere by default (packaged desktop build)', () => {
    const d = directives(buildCsp());
    expect(d.get('connect-src')).toEqual(["'none'"]);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
  });
  it('never allows inline or eval script, or remote script sources', () => {
    for (const csp of [buildCsp(), buildCsp({ connectSrc: ['ws://127.0.0.1:4000/bridge'] })]) {
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|strict-dynamic/);
      expect(directives(csp).get('script-src')).toEqual(["'self'"]);
      expect(csp).not.toMatch(/https?:/);
      expect(csp).not.toContain('*');
    }
  });
  it('lets the development bridge connect to exactly its own socket', () => {
    expect(directives(buildCsp({ connectSrc: ['ws://127.0.0.1:4000/bridge'] })).get('connect-src')).toEqual([
      'ws://127.0.0.1:4000/bridge',
    ]);
  });
});

describe('appResponseHeaders', () => {
  it('sends the strict CSP, nosniff and no-referrer on every app:// response', () => {
    const h = appResponseHeaders();
    expect(h['Content-Security-Policy']).toBe(buildCsp());
    expect(directives(h['Content-Security-Policy']!).get('connect-src')).toEqual(["'none'"]);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Referrer-Policy']).toBe('no-referrer');
    expect(h['Cache-Control']).toBe('no-store');
    expect(h['Permissions-Policy']).toMatch(/camera=\(\)/);
    expect(h['Permissions-Policy']).toMatch(/microphone=\(\)/);
  });
});
