import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { createKeytarKeychain, type Keychain } from '../../electron/core/keychain/keychain.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { scryptKey, scryptMaxmem } from '../../electron/core/vault/kdf.ts';
import { parseKeyFile, serializeKeyFile, type KeyFile } from '../../electron/core/vault/key-file.ts';
import { createVault } from '../../electron/core/vault/vault.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

/**
 * Issue 8 item 5 (bounds): a key file is read before anything authenticates it, and it records its
 * own scrypt parameters. A crafted file asking for 16 GiB (or for minutes of work) must be refused
 * as damaged before scrypt runs, never attempted.
 */
const FAST = { log2N: 10, r: 8, p: 1 };
const PASSWORD = 'front-desk-password-1';
const MiB = 1024 * 1024;

let dataDir: string;
let keychain: Keychain;

beforeEach(async () => {
  dataDir = makeTempDir('kdf-bounds');
  keychain = createKeytarKeychain(`Sealwire-test-${crypto.randomUUID()}`);
  if (!(await keychain.probe()).ok) throw new Error('No keychain: run through `bash tests/run-tiers.sh`');
});

afterEach(async () => {
  for (const account of await keychain.accounts()) await keychain.delete(account);
  await removeTempDirs();
});

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    return err instanceof CoreError ? err.code : `untyped: ${String(err)}`;
  }
}

/** Peak resident memory of this process so far, in bytes. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

describe('key-file KDF parameters are bounded', () => {
  it('a crafted key file asking for 16 GiB, 1 GiB or 16x the work is damaged_key_file at once, and nothing is allocated', async () => {
    const vault = createVault({ dataDir, keychain, log: silentLogger, kdf: FAST });
    const { profile, unwrapped } = await vault.createProfile('Front desk Ana', PASSWORD);
    unwrapped.key.fill(0);
    const keyFile = vault.paths(profile.id).keyFile;
    const good = parseKeyFile(await fs.readFile(keyFile, 'utf8'), profile.id);

    const crafted = (kdf: Partial<KeyFile['password']['kdf']>): string => {
      const params = { ...good.password.kdf, ...kdf };
      const maxmem = kdf.maxmem ?? scryptMaxmem(params);
      // A valid checksum: the attacker can compute it; only the bounds stand in the way.
      return serializeKeyFile({ ...good, password: { ...good.password, kdf: { ...params, maxmem } } });
    };
    const variants: Record<string, string> = {
      '16 GiB (2^22, r=32)': crafted({ log2N: 22, r: 32 }),
      '1 GiB (2^20, r=8)': crafted({ log2N: 20, r: 8 }),
      '512 MiB (2^18, r=16)': crafted({ log2N: 18, r: 16 }),
      '16x the default work (2^18, r=8, p=4)': crafted({ log2N: 18, r: 8, p: 4 }),
      'N = 2^40': crafted({ log2N: 40 }),
      'p = 1,000,000': crafted({ p: 1_000_000 }),
      'r = 2^20': crafted({ r: 2 ** 20 }),
      'maxmem of 1 TiB recorded': crafted({ maxmem: 2 ** 40 }),
    };
    const before = peakRss();
    for (const [name, text] of Object.entries(variants)) {
      await fs.writeFile(keyFile, text);
      const started = performance.now();
      expect(await codeOf(vault.openProfile(profile.id, PASSWORD)), name).toBe('damaged_key_file');
      expect(await codeOf(vault.verifyPassword(profile.id, PASSWORD)), name).toBe('damaged_key_file');
      expect(await codeOf(vault.changePassword(profile.id, PASSWORD, `${PASSWORD}-2`)), name).toBe('damaged_key_file');
      expect(await codeOf(vault.unlockWithPin(profile.id, '284719')), name).toBe('damaged_key_file');
      // No scrypt ran: four refusals take far less than one default scrypt (~200 ms).
      expect(performance.now() - started, name).toBeLessThan(500);
      expect(await fs.readFile(keyFile, 'utf8'), name).toBe(text); // not rewritten
      expect((await vault.listProfiles()).map((p) => p.id), name).toEqual([profile.id]); // still listed, so IT can act
    }
    expect(peakRss() - before).toBeLessThan(128 * MiB);

    // The untouched file still opens: nothing was lost.
    await fs.writeFile(keyFile, serializeKeyFile(good));
    const reopened = await vault.openProfile(profile.id, PASSWORD);
    expect(reopened.key).toHaveLength(32);
    reopened.key.fill(0);
  });

  it('no other path reaches scrypt with out-of-bounds parameters', async () => {
    const salt = crypto.randomBytes(16);
    await expect(scryptKey('x', salt, { log2N: 22, r: 32, p: 1 })).rejects.toThrow(RangeError);
    await expect(scryptKey('x', salt, { log2N: 16, r: 8, p: 16 })).rejects.toThrow(RangeError);
    expect(await scryptKey('x', salt, FAST)).toHaveLength(32);
  });
});
