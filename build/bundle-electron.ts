import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { preloadTable } from '../electron/preload/table.ts';

/**
 * Bundles electron/main and the sandboxed preload into dist/electron. Sandboxed preloads may only
 * require 'electron', hence one self-contained file. The development bridge must never ship: the
 * build fails if anything from electron/dev/ (or the WebSocket library it uses) reaches a bundle.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'electron');

/** Native or Electron-provided modules stay outside the bundle and load from node_modules at run time. */
export const MAIN_EXTERNALS = ['electron', 'keytar', 'better-sqlite3-multiple-ciphers', 'electron-log', 'electron-log/*'];
export const PRELOAD_EXTERNALS = ['electron'];

const FORBIDDEN_INPUTS: readonly RegExp[] = [/(^|\/)electron\/dev\//, /(^|\/)node_modules\/ws\//, /(^|\/)tests\//];

/** Inputs of a bundle that must never ship (the development bridge, its WebSocket server, test code). */
export function forbiddenInputs(metafile: Pick<Metafile, 'inputs'>): string[] {
  return Object.keys(metafile.inputs)
    .map((input) => input.replaceAll('\\', '/'))
    .filter((input) => FORBIDDEN_INPUTS.some((re) => re.test(input)));
}

/** Bare imports left in a bundle that are not on its allow list (a preload may only require 'electron'). */
export function unexpectedExternals(metafile: Pick<Metafile, 'outputs'>, allowed: readonly string[]): string[] {
  const ok = (name: string) =>
    name.startsWith('node:') ||
    allowed.some((a) => (a.endsWith('/*') ? name.startsWith(a.slice(0, -1)) : name === a));
  const found = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) if (imp.external && !ok(imp.path)) found.add(imp.path);
  }
  return [...found];
}

/** The preload may contain only its own two files: no contract schemas, no libraries, no bridge. */
export function unexpectedPreloadInputs(metafile: Pick<Metafile, 'inputs'>): string[] {
  return Object.keys(metafile.inputs)
    .map((input) => input.replaceAll('\\', '/'))
    .filter((input) => !/^(electron\/preload\/(index|api)\.ts|<define:SEALWIRE_PRELOAD_TABLE>)$/.test(input));
}

async function bundle(
  entry: string,
  outfile: string,
  external: string[],
  platform: 'node' | 'browser',
  define: Record<string, string> = {},
) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform,
    format: 'cjs',
    target: platform === 'node' ? 'node24' : 'chrome140',
    external,
    sourcemap: false,
    minify: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', ...define },
  });
  // Bundled as CommonJS, `import.meta` would silently become {} and break paths at run time.
  const fatal = result.warnings.filter((w) => w.id === 'empty-import-meta');
  if (fatal.length > 0) throw new Error(`${entry}: import.meta cannot be used in code bundled for Electron (${fatal[0]!.location?.file ?? ''})`);
  return result.metafile;
}

async function main(): Promise<void> {
  const mainMeta = await bundle('electron/main/index.ts', path.join(outDir, 'main.cjs'), MAIN_EXTERNALS, 'node');
  // The sandboxed preload gets no Node built-ins at all, so it is bundled for the browser platform.
  const preloadMeta = await bundle('electron/preload/index.ts', path.join(outDir, 'preload.cjs'), PRELOAD_EXTERNALS, 'browser', {
    SEALWIRE_PRELOAD_TABLE: JSON.stringify(preloadTable()),
  });
  const problems = [
    ...forbiddenInputs(mainMeta).map((i) => `main bundle contains ${i}`),
    ...forbiddenInputs(preloadMeta).map((i) => `preload bundle contains ${i}`),
    ...unexpectedPreloadInputs(preloadMeta).map((i) => `preload bundle contains ${i}`),
    ...unexpectedExternals(preloadMeta, PRELOAD_EXTERNALS).map((i) => `preload requires ${i} (sandboxed preloads may only require 'electron')`),
  ];
  if (problems.length > 0) {
    console.error(`Refusing to ship these bundles:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  const size = (meta: Metafile) => Object.values(meta.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`dist/electron/main.cjs ${size(mainMeta)} bytes, dist/electron/preload.cjs ${size(preloadMeta)} bytes`);
}

if (import.meta.main) await main();
