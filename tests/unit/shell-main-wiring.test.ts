import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, EVENT_CHANNEL, channelFor, methodNames } from '../../shared/contract/index.ts';
import { MAIN_EXTERNALS } from '../../build/bundle-electron.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

/**
 * The Electron binary cannot run here, so this loads the real main bundle with a recording stand-in
 * for the `electron` module (and in-memory keytar / electron-log) and checks the wiring: every
 * hardening call is made, in the right order, with the options the pure functions produce.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

class Emitter {
  readonly handlers = new Map<string, Fn[]>();
  on(name: string, fn: Fn) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
    return this;
  }
  once(name: string, fn: Fn) {
    return this.on(name, fn);
  }
  fire(name: string, ...args: unknown[]) {
    return (this.handlers.get(name) ?? []).map((fn) => fn(...args));
  }
}

function fakeElectron(appDir: string, userData: string, lock: boolean) {
  const calls: string[] = [];
  const windows: FakeWindow[] = [];
  const contentsCreated: FakeContents[] = [];
  class FakeContents extends Emitter {
    sent: [string, unknown][] = [];
    openHandler: Fn | null = null;
    setWindowOpenHandler(fn: Fn) {
      this.openHandler = fn;
    }
    isDestroyed() {
      return false;
    }
    send(channel: string, message: unknown) {
      this.sent.push([channel, message]);
    }
    closeDevTools() {}
  }
  class FakeWindow extends Emitter {
    readonly options: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly webContents = new FakeContents();
    contentProtection = false;
    loaded = '';
    title = '';
    constructor(options: Record<string, unknown>) {
      super();
      calls.push('new BrowserWindow');
      this.options = options;
      windows.push(this);
      contentsCreated.push(this.webContents);
      for (const fn of app.handlers.get('web-contents-created') ?? []) fn({}, this.webContents);
    }
    setContentProtection(on: boolean) {
      this.contentProtection = on;
    }
    setTitle(title: string) {
      this.title = title;
    }
    removeMenu() {}
    async loadURL(url: string) {
      this.loaded = url;
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {}
    focus() {
      calls.push('focus');
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: () => lock,
    enableSandbox: () => void calls.push('enableSandbox'),
    whenReady: () => {
      calls.push('whenReady');
      return Promise.resolve();
    },
    getAppPath: () => appDir,
    getPath: (name: string) => (name === 'userData' ? userData : os.tmpdir()),
    getVersion: () => '0.1.0',
    quit: () => void calls.push('quit'),
    exit: (code: number) => void calls.push(`exit ${code}`),
  });
  const ipcHandlers = new Map<string, Fn>();
  const schemes: unknown[] = [];
  const protocolHandlers = new Map<string, Fn>();
  const ses = Object.assign(new Emitter(), {
    permissionRequest: null as Fn | null,
    permissionCheck: null as Fn | null,
    beforeRequest: null as Fn | null,
    setPermissionRequestHandler(fn: Fn) {
      this.permissionRequest = fn;
    },
    setPermissionCheckHandler(fn: Fn) {
      this.permissionCheck = fn;
    },
    setDevicePermissionHandler() {},
    setDisplayMediaRequestHandler() {},
    webRequest: {
      onBeforeRequest: (fn: Fn) => {
        ses.beforeRequest = fn;
      },
    },
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: {
      menu: undefined as unknown,
      setApplicationMenu(menu: unknown) {
        this.menu = menu;
      },
      buildFromTemplate: (t: unknown) => t,
    },
    ipcMain: {
      handle: (channel: string, fn: Fn) => void ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => void ipcHandlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (list: unknown[]) => {
        calls.push('registerSchemesAsPrivileged');
        schemes.push(...list);
      },
      handle: (scheme: string, fn: Fn) => void protocolHandlers.set(scheme, fn),
    },
    session: { defaultSession: ses },
  };
  return { electron, calls, windows, contentsCreated, ipcHandlers, schemes, protocolHandlers, ses, app };
}

function fakeLog() {
  const lines: unknown[][] = [];
  const log = {
    hooks: [] as Fn[],
    transports: { file: { level: 'silly' as unknown }, console: { level: 'silly' as unknown } },
    debug: (...a: unknown[]) => void lines.push(a),
    info: (...a: unknown[]) => void lines.push(a),
    warn: (...a: unknown[]) => void lines.push(a),
    error: (...a: unknown[]) => void lines.push(a),
  };
  return { log, lines };
}

const memoryKeytar = () => {
  const store = new Map<string, string>();
  return {
    getPassword: async (s: string, a: string) => store.get(`${s}/${a}`) ?? null,
    setPassword: async (s: string, a: string, p: string) => void store.set(`${s}/${a}`, p),
    deletePassword: async (s: string, a: string) => store.delete(`${s}/${a}`),
    findCredentials: async (s: string) =>
      [...store].filter(([k]) => k.startsWith(`${s}/`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
  };
};

let code: string;
let tmp: string;

beforeAll(async () => {
  const out = await build({
    absWorkingDir: root,
    entryPoints: ['electron/main/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    external: MAIN_EXTERNALS,
    write: false,
    logLevel: 'silent',
  });
  code = out.outputFiles[0]!.text;
  tmp = makeTempDir('main');
  await fs.mkdir(path.join(tmp, 'app', 'dist', 'renderer'), { recursive: true });
  await fs.writeFile(path.join(tmp, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>Sealwire</title>');
  await fs.mkdir(path.join(tmp, 'userData'));
});

afterAll(async () => {
  await removeTempDir(tmp);
});

async function runMain(lock = true) {
  const fake = fakeElectron(path.join(tmp, 'app'), path.join(tmp, 'userData'), lock);
  const { log, lines } = fakeLog();
  const realRequire = createRequire(path.join(root, 'package.json'));
  const stubs: Record<string, unknown> = { electron: fake.electron, 'electron-log/main': log, keytar: memoryKeytar() };
  const before = {
    uncaught: process.listeners('uncaughtException'),
    rejection: process.listeners('unhandledRejection'),
  };
  const fn = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`) as Fn;
  const module = { exports: {} };
  fn(module.exports, (id: string) => (id in stubs ? stubs[id] : realRequire(id)), module, path.join(root, 'dist/electron/main.cjs'), path.join(root, 'dist/electron'));
  await new Promise((r) => setTimeout(r, 50));
  const added = {
    uncaught: process.listeners('uncaughtException').filter((l) => !before.uncaught.includes(l)),
    rejection: process.listeners('unhandledRejection').filter((l) => !before.rejection.includes(l)),
  };
  const cleanup = () => {
    for (const l of added.uncaught) process.off('uncaughtException', l);
    for (const l of added.rejection) process.off('unhandledRejection', l);
    fake.app.fire('before-quit');
  };
  return { ...fake, log, lines, added, cleanup };
}

describe('electron/main wiring (stand-in electron module)', () => {
  it('quits at once when another instance holds the lock', async () => {
    const run = await runMain(false);
    try {
      expect(run.calls).toEqual(['quit']);
      expect(run.ipcHandlers.size).toBe(0);
    } finally {
      run.cleanup();
    }
  });

  it('hardens the app before any window exists and binds every contract method', async () => {
    const run = await runMain(true);
    try {
      expect(run.calls.indexOf('enableSandbox')).toBeLessThan(run.calls.indexOf('whenReady'));
      expect(run.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(run.calls.indexOf('whenReady'));
      expect(run.schemes).toEqual([
        expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }),
      ]);
      expect([...run.ipcHandlers.keys()].sort()).toEqual(methodNames.map(channelFor).sort());
      expect(run.log.hooks).toHaveLength(1);
      expect(run.log.transports.console.level).toBe(false);
      expect(run.added.uncaught).toHaveLength(1);
      expect(run.added.rejection).toHaveLength(1);
      expect(() => run.added.uncaught[0]!(new Error('Jane Doe MRN 12345678'), 'uncaughtException')).not.toThrow();
    } finally {
      run.cleanup();
    }
  });

  it('creates one sandboxed, content-protected window on the app origin', async () => {
    const run = await runMain(true);
    try {
      expect(run.windows).toHaveLength(1);
      const win = run.windows[0]!;
      expect(win.options.webPreferences).toMatchObject({
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        devTools: false,
        preload: path.join(tmp, 'app', 'dist', 'electron', 'preload.cjs'),
      });
      expect(win.options.kiosk).toBe(false);
      expect(win.contentProtection).toBe(true);
      expect(win.loaded).toBe(`${APP_ORIGIN}/index.html`);
      let prevented = false;
      win.fire('page-title-updated', { preventDefault: () => (prevented = true) }, 'Chat with Jane Doe');
      expect(prevented).toBe(true);
      expect(win.title).toBe('Sealwire');
      // Only an unread count may join the name.
      win.fire('page-title-updated', { preventDefault: () => {} }, 'Sealwire (3)');
      expect(win.title).toBe('Sealwire (3)');
      win.fire('page-title-updated', { preventDefault: () => {} }, 'Sealwire (3) Jane');
      expect(win.title).toBe('Sealwire');
      // Core events reach the window's renderer on the event channel.
      await new Promise((r) => setTimeout(r, 50));
      expect(win.webContents.sent.some(([channel]) => channel === EVENT_CHANNEL)).toBe(true);
    } finally {
      run.cleanup();
    }
  });

  it('answers IPC only for the app origin', async () => {
    const run = await runMain(true);
    try {
      const status = run.ipcHandlers.get(channelFor('system.status'))!;
      expect(await status({ senderFrame: { url: 'file:///tmp/x.html' } }, {})).toMatchObject({ ok: false, error: { code: 'forbidden_origin' } });
      expect(await status({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, {})).toMatchObject({
        ok: true,
        value: { runtime: 'desktop', appVersion: '0.1.0' },
      });
    } finally {
      run.cleanup();
    }
  });

  it('serves the renderer over app:// with the security headers and refuses traversal', async () => {
    const run = await runMain(true);
    try {
      const handler = run.protocolHandlers.get('app')!;
      const ok = (await handler(new Request('app://sealwire/index.html'))) as Response;
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-security-policy')).toContain("connect-src 'none'");
      expect(await ok.text()).toContain('Sealwire');
      const bad = (await handler(new Request('app://sealwire/%2e%2e/%2e%2e/package.json'))) as Response;
      expect(bad.status).toBe(404);
    } finally {
      run.cleanup();
    }
  });

  it('denies permissions, foreign requests, window.open, navigation and webviews', async () => {
    const run = await runMain(true);
    try {
      let granted: boolean | null = null;
      run.ses.permissionRequest!({}, 'media', (g: boolean) => (granted = g), { requestingUrl: `${APP_ORIGIN}/` });
      expect(granted).toBe(false);
      expect(run.ses.permissionCheck!({}, 'notifications', APP_ORIGIN, {})).toBe(false);
      let cancel: boolean | null = null;
      run.ses.beforeRequest!({ url: 'https://evil.example/x.js', resourceType: 'script' }, (r: { cancel: boolean }) => (cancel = r.cancel));
      expect(cancel).toBe(true);
      run.ses.beforeRequest!({ url: `${APP_ORIGIN}/index.html`, resourceType: 'mainFrame' }, (r: { cancel: boolean }) => (cancel = r.cancel));
      expect(cancel).toBe(false);

      const contents = run.contentsCreated[0]!;
      expect(contents.openHandler!({ url: 'https://example.org/', disposition: 'new-window' })).toEqual({ action: 'deny' });
      for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
        let prevented = false;
        contents.fire(event, { url: 'https://evil.example/', preventDefault: () => (prevented = true) });
        expect(prevented, event).toBe(true);
      }
      let webview = false;
      contents.fire('will-attach-webview', { preventDefault: () => (webview = true) }, {}, {});
      expect(webview).toBe(true);
      // No log line carries the URL that was refused.
      expect(JSON.stringify(run.lines)).not.toContain('evil.example');
    } finally {
      run.cleanup();
    }
  });

  it('brings the existing window forward on a second launch', async () => {
    const run = await runMain(true);
    try {
      run.app.fire('second-instance', {}, ['sealwire']);
      expect(run.calls).toContain('focus');
    } finally {
      run.cleanup();
    }
  });
});
