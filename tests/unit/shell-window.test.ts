import { describe, expect, it } from 'vitest';
import { WINDOW_TITLE, menuTemplate, windowOptions } from '../../electron/core/shell/window.ts';

const base = { preloadPath: '/app/dist/electron/preload.cjs', kiosk: false, isPackaged: true };

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer with no Node anywhere', () => {
    for (const isPackaged of [true, false]) {
      const web = windowOptions({ ...base, isPackaged }).webPreferences;
      expect(web.sandbox).toBe(true);
      expect(web.contextIsolation).toBe(true);
      expect(web.nodeIntegration).toBe(false);
      expect(web.nodeIntegrationInWorker).toBe(false);
      expect(web.nodeIntegrationInSubFrames).toBe(false);
      expect(web.webviewTag).toBe(false);
      expect(web.webSecurity).toBe(true);
      expect(web.allowRunningInsecureContent).toBe(false);
      expect(web.experimentalFeatures).toBe(false);
      expect(web.spellcheck).toBe(false);
      expect(web.safeDialogs).toBe(true);
      expect(web.preload).toBe(base.preloadPath);
    }
  });
  it('offers DevTools only in unpackaged runs', () => {
    expect(windowOptions({ ...base, isPackaged: true }).webPreferences.devTools).toBe(false);
    expect(windowOptions({ ...base, isPackaged: false }).webPreferences.devTools).toBe(true);
  });
  it('takes kiosk mode from the flag and keeps a fixed, PHI-free title', () => {
    expect(windowOptions({ ...base, kiosk: true }).kiosk).toBe(true);
    expect(windowOptions({ ...base, kiosk: true })).toMatchObject({ frame: false, fullscreen: true });
    expect(windowOptions({ ...base, kiosk: false })).toMatchObject({ frame: true, fullscreen: false });
    expect(windowOptions({ ...base, kiosk: false }).kiosk).toBe(false);
    const opts = windowOptions(base);
    expect(opts.title).toBe('Sealwire');
    expect(WINDOW_TITLE).toBe('Sealwire');
    expect(opts.show).toBe(false);
    expect(opts.minWidth).toBeGreaterThanOrEqual(640);
    expect(opts.minHeight).toBeGreaterThanOrEqual(480);
    expect(opts.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
  });
});

describe('menuTemplate', () => {
  const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
    JSON.stringify(t ?? []).match(/"role":"[a-zA-Z]+"/g)?.map((r) => r.slice(8, -1)) ?? [];
  it('has no menu on Windows and Linux packaged builds', () => {
    expect(menuTemplate('win32', true)).toBeNull();
    expect(menuTemplate('linux', true)).toBeNull();
  });
  it('keeps only the app and Edit menus on macOS packaged builds, without DevTools or reload', () => {
    const r = roles(menuTemplate('darwin', true));
    expect(r).toEqual(expect.arrayContaining(['appMenu', 'editMenu']));
    expect(r).not.toContain('toggleDevTools');
    expect(r).not.toContain('reload');
  });
  it('adds DevTools and reload only in unpackaged runs', () => {
    for (const platform of ['win32', 'linux', 'darwin']) {
      expect(roles(menuTemplate(platform, false))).toContain('toggleDevTools');
    }
  });
});
