import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { openStore } from '../../electron/core/store/store.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

const bench = path.resolve(import.meta.dirname, '../../bench');
const dir = makeTempDir('rekey-crash');
afterAll(() => removeTempDir(dir));

function rekeyAndKill(file: string, oldKey: Buffer, newKey: Buffer, killAfterMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(bench, 'store-rekey-child.ts'), file, oldKey.toString('hex'), newKey.toString('hex')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('R\n') && out.length === 2) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out.includes('D')));
  });
}

describe('rekey under kill -9', () => {
  it('leaves the store whole under exactly one of the two keys', async () => {
    const seed = path.join(dir, 'seed.db');
    const oldKey = randomBytes(32);
    const gen = spawnSync(process.execPath, [path.join(bench, 'store-generate-child.ts'), seed, oldKey.toString('hex'), '30000', '20'], {
      encoding: 'utf8',
    });
    expect(gen.status, gen.stderr).toBe(0);
    const outcomes = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const file = path.join(dir, `round-${round}.db`);
      fs.copyFileSync(seed, file);
      const newKey = randomBytes(32);
      const finished = await rekeyAndKill(file, oldKey, newKey, Math.floor(Math.random() * 150));
      const opened: string[] = [];
      for (const [name, key] of [['old', oldKey], ['new', newKey]] as const) {
        try {
          const s = openStore({ file, key });
          expect(s.integrityCheck()).toEqual(['ok']);
          expect(s.getMessageByClientId('g0')).not.toBeNull();
          expect(s.getMessageByClientId(`g${(29_999).toString(36)}`)).not.toBeNull();
          s.close();
          opened.push(name);
        } catch (err) {
          expect(err).toBeInstanceOf(CoreError);
          expect((err as CoreError).code).toBe('wrong_password');
        }
      }
      expect(opened).toHaveLength(1);
      if (finished) expect(opened).toEqual(['new']);
      outcomes.add(opened[0] as string);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  }, 120_000);
});
