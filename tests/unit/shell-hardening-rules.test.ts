import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../shared/contract/index.ts';
import { isAppUrl, isTrustedSender } from '../../electron/core/shell/origin.ts';
import { mayGrantPermission, mayNavigate, mayRequestUrl, parseShellArgs, windowOpenDecision } from '../../electron/core/shell/hardening-rules.ts';

const hostile: unknown[] = [
  null,
  undefined,
  '',
  42,
  {},
  ['app://sealwire/'],
  'file:///work/main/dist/renderer/index.html',
  'http://127.0.0.1:5173/',
  'http://sealwire/',
  'https://evil.example/',
  'https://sealwire/',
  'app://other/',
  'app://sealwire.evil.example/',
  'app://evil.example/sealwire/',
  'app://user:pw@sealwire/',
  'app://sealwire@evil/',
  'app://sealwire:8080/',
  'app:sealwire',
  'sealwire://sealwire/',
  'about:blank',
  'data:text/html,<script>1</script>',
  'blob:app://sealwire/uuid',
  'devtools://devtools/bundled/inspector.html',
  'javascript:alert(1)',
  `app://sealwire/${'a'.repeat(5000)}`,
];

describe('isTrustedSender', () => {
  it('trusts frames on the app origin only', () => {
    expect(APP_ORIGIN).toBe('app://sealwire');
    expect(isTrustedSender('app://sealwire/index.html')).toBe(true);
    expect(isTrustedSender('app://sealwire/')).toBe(true);
    expect(isTrustedSender('app://sealwire/index.html#/chat?x=1')).toBe(true);
  });
  it('refuses file://, http(s)://, other app hosts, look-alikes and non-strings', () => {
    for (const url of hostile) expect(isTrustedSender(url), String(url).slice(0, 80)).toBe(false);
  });
});

describe('navigation, window.open and permissions', () => {
  it('allows navigation only within the app origin', () => {
    expect(mayNavigate('app://sealwire/index.html')).toBe(true);
    for (const url of hostile) expect(mayNavigate(url), String(url).slice(0, 80)).toBe(false);
  });
  it('denies every window.open, even to the app itself', () => {
    for (const url of ['https://example.org/', 'app://sealwire/index.html', 'mailto:a@b.c', null]) {
      expect(windowOpenDecision(url)).toEqual({ action: 'deny' });
    }
  });
  it('denies every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'unknown']) {
      expect(mayGrantPermission(p, APP_ORIGIN)).toBe(false);
      expect(mayGrantPermission(p, 'https://evil.example')).toBe(false);
    }
  });
});

describe('mayRequestUrl', () => {
  it('lets the renderer fetch only the app origin and inline images', () => {
    for (const isPackaged of [true, false]) {
      expect(mayRequestUrl('app://sealwire/assets/index-1.js', { isPackaged })).toBe(true);
      expect(mayRequestUrl('data:image/png;base64,AAAA', { isPackaged })).toBe(true);
      expect(mayRequestUrl('blob:app://sealwire/123', { isPackaged })).toBe(true);
      for (const url of ['https://evil.example/x.js', 'http://127.0.0.1:8080/', 'ws://127.0.0.1:1/bridge', 'file:///etc/passwd', 'app://other/', 'nonsense', null]) {
        expect(mayRequestUrl(url, { isPackaged }), String(url)).toBe(false);
      }
    }
  });
  it('allows DevTools pages only in unpackaged runs', () => {
    expect(mayRequestUrl('devtools://devtools/bundled/inspector.html', { isPackaged: false })).toBe(true);
    expect(mayRequestUrl('devtools://devtools/bundled/inspector.html', { isPackaged: true })).toBe(false);
  });
  it('agrees with isAppUrl for the app origin', () => {
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
  });
});

describe('parseShellArgs', () => {
  it('turns kiosk on only for the exact switch', () => {
    expect(parseShellArgs(['/opt/Sealwire/sealwire', '--kiosk']).kiosk).toBe(true);
    expect(parseShellArgs(['electron', '.', '--kiosk=true']).kiosk).toBe(true);
    expect(parseShellArgs(['electron', '.']).kiosk).toBe(false);
    expect(parseShellArgs(['x', '--kiosk=false', '--kiosks', '-kiosk', 'kiosk', '--no-kiosk']).kiosk).toBe(false);
    expect(parseShellArgs([]).kiosk).toBe(false);
  });
});
