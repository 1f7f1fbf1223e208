import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_ID } from '../../electron/core/shell/window.ts';
import { MAIN_EXTERNALS, forbiddenInputs, unexpectedExternals, unexpectedPreloadInputs } from '../../build/bundle-electron.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const config = parse(read('build/electron-builder.yml')) as Configuration;
const pkg = JSON.parse(read('package.json')) as { main: string; dependencies: Record<string, string>; scripts: Record<string, string> };
const files = (config.files ?? []) as string[];
const targetsOf = (t: unknown): string[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    // electron-builder's loader and validator (app-builder-lib is its dependency), so a misspelt
    // option fails here rather than on the packaging runners.
    const require = createRequire(path.join(root, 'node_modules', 'electron-builder', 'package.json'));
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(dir: string, file: string, fromOptions: null): Promise<Configuration>;
      validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(root, 'build/electron-builder.yml', null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...loaded, asar: 'yes please' } as never, new DebugLogger(false))).rejects.toThrow();
    // Loading electron-builder's modules alone takes seconds on a loaded machine.
  }, 30_000);
  it('names the app and ships only the bundles, the built renderer and package.json', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Sealwire');
    const positive = files.filter((f) => !f.startsWith('!'));
    expect(positive.sort()).toEqual(['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/**/*', 'package.json'].sort());
    expect(pkg.main).toBe('dist/electron/main.cjs');
    for (const never of ['!electron/**', '!renderer/**', '!shared/**', '!tests/**', '!**/*.map']) expect(files).toContain(never);
    expect(JSON.stringify(config)).not.toMatch(/electron\/dev|bridge/);
  });
  it('packs into asar with native addons unpacked and no rebuild', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(false);
  });
  it('flips the Electron fuses that would let a packaged app run foreign code', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
  it('builds a per-machine MSI for IT deployment with a fixed upgrade code', () => {
    expect(targetsOf(config.win?.target)).toContain('msi');
    expect(config.msi?.perMachine).toBe(true);
    expect(config.msi?.upgradeCode).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(config.nsis?.perMachine).toBe(true);
  });
  it('builds a hardened-runtime DMG whose entitlements file exists and grants only JIT', () => {
    expect(targetsOf(config.mac?.target)).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    const entitlements = read(config.mac!.entitlements!);
    expect(entitlements).toContain('com.apple.security.cs.allow-jit');
    expect(entitlements).not.toMatch(/disable-library-validation|allow-dyld-environment-variables|device\.camera|device\.audio-input/);
  });
  it('builds AppImage and deb on Linux, with libsecret for the keychain', () => {
    expect(targetsOf(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(config.deb?.depends).toContain('libsecret-1-0');
  });
  it('never publishes from a build', () => {
    expect(config.publish).toBeNull();
  });
  it('keeps the native and Electron-bound runtime dependencies external to the main bundle', () => {
    for (const dep of ['keytar', 'better-sqlite3-multiple-ciphers', 'electron-log']) {
      expect(Object.keys(pkg.dependencies)).toContain(dep);
      expect(MAIN_EXTERNALS).toContain(dep);
    }
    expect(MAIN_EXTERNALS).toContain('electron');
    expect(pkg.scripts.package).toContain('build/electron-builder.yml');
  });
});

describe('bundle guards', () => {
  it('finds the development bridge, its WebSocket server or tests in a bundle', () => {
    const inputs = {
      'electron/main/index.ts': {},
      'electron/dev/bridge.ts': {},
      'node_modules/ws/lib/websocket-server.js': {},
      'tests/unit/x.ts': {},
      'electron/core/app.ts': {},
    };
    expect(forbiddenInputs({ inputs } as never)).toEqual([
      'electron/dev/bridge.ts',
      'node_modules/ws/lib/websocket-server.js',
      'tests/unit/x.ts',
    ]);
    expect(forbiddenInputs({ inputs: { 'electron\\dev\\workstation.ts': {} } } as never)).toEqual(['electron/dev/workstation.ts']);
  });
  it('keeps the preload to its own files and the electron module', () => {
    const inputs = { 'electron/preload/index.ts': {}, 'electron/preload/api.ts': {}, '<define:SEALWIRE_PRELOAD_TABLE>': {}, 'node_modules/zod/index.js': {} };
    expect(unexpectedPreloadInputs({ inputs } as never)).toEqual(['node_modules/zod/index.js']);
    const outputs = { 'p.cjs': { imports: [{ path: 'electron', external: true }, { path: 'fs', external: true }, { path: 'x', external: false }] } };
    expect(unexpectedExternals({ outputs } as never, ['electron'])).toEqual(['fs']);
  });
});

describe('packaging workflow', () => {
  it('packages on Windows, macOS and Linux with the same config', () => {
    const wf = parse(read('.github/workflows/package.yml')) as { jobs: Record<string, { 'runs-on': string; strategy?: { matrix?: { os?: string[] } }; steps: { run?: string }[] }> };
    const job = Object.values(wf.jobs)[0]!;
    expect(job.strategy?.matrix?.os?.sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toMatch(/electron-builder .*-c build\/electron-builder\.yml.*--publish never/);
  });
});
