import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start` (after `npm run build`): launches the desktop app in Electron when its binary is
 * installed. Requiring 'electron' itself would try to download the binary, so this looks for it
 * the same way the package does (path.txt + dist/) without triggering a download.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable inside an installed `electron` package folder, or null when it is absent. */
export function findElectronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let relative: string;
  try {
    relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  if (relative === '' || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) return null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, relative);
  return fs.existsSync(binary) ? binary : null;
}

export function electronPackageDir(from: string = root): string | null {
  try {
    return path.dirname(createRequire(path.join(from, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

export const MISSING_BINARY_MESSAGE = [
  'Sealwire cannot start as a desktop app on this machine:',
  'the Electron desktop binary is not installed on this machine (it cannot be downloaded from here).',
  '',
  'To try Sealwire now, run:  npm run demo',
  'It runs the real renderer and the real core in your browser, through the local development bridge.',
  '',
  'On a machine with internet access, `npm install` downloads Electron and `npm start` opens the app.',
].join('\n');

function main(): void {
  const packageDir = electronPackageDir();
  const binary = packageDir === null ? null : findElectronBinary(packageDir);
  if (binary === null) {
    console.error(MISSING_BINARY_MESSAGE);
    process.exitCode = 1;
    return;
  }
  // ELECTRON_RUN_AS_NODE would turn the app into a plain Node process; never inherit it.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: root });
  child.on('error', (err) => {
    console.error(`Could not start Electron: ${err.message}`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === null ? 0 : 1);
  });
}

if (import.meta.main) main();
