import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MISSING_BINARY_MESSAGE, findElectronBinary } from '../../build/start.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let dir: string;
beforeEach(async () => {
  dir = makeTempDir('start');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('findElectronBinary', () => {
  it('is null when the package has no downloaded binary (path.txt or dist missing)', async () => {
    expect(findElectronBinary(dir, {})).toBeNull();
    await fs.writeFile(path.join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary(dir, {})).toBeNull();
  });
  it('finds the binary named by path.txt under dist/', async () => {
    await fs.writeFile(path.join(dir, 'path.txt'), 'electron');
    await fs.mkdir(path.join(dir, 'dist'));
    await fs.writeFile(path.join(dir, 'dist', 'electron'), '');
    expect(findElectronBinary(dir, {})).toBe(path.join(dir, 'dist', 'electron'));
  });
  it('refuses a path.txt that points outside the package', async () => {
    await fs.writeFile(path.join(dir, 'path.txt'), '../../bin/sh');
    expect(findElectronBinary(dir, {})).toBeNull();
    await fs.writeFile(path.join(dir, 'path.txt'), '/bin/sh');
    expect(findElectronBinary(dir, {})).toBeNull();
  });
  it('says in plain words what is missing and points to the demo', () => {
    expect(MISSING_BINARY_MESSAGE).toMatch(/Electron desktop binary is not installed/);
    expect(MISSING_BINARY_MESSAGE).toContain('npm run demo');
  });
});
