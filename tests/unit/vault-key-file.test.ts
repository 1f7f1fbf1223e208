import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { deriveKek } from '../../electron/core/vault/kdf.ts';
import { kdfRecord, parseKeyFile, passwordAad, passwordInfo, serializeKeyFile, type KeyFile } from '../../electron/core/vault/key-file.ts';
import { open, seal } from '../../electron/core/vault/seal.ts';

const FAST = { log2N: 10, r: 8, p: 1 };
const id = crypto.randomUUID();

async function sample(): Promise<{ body: KeyFile; dbKey: Buffer; deviceKey: Buffer; salt: Buffer }> {
  const dbKey = crypto.randomBytes(32);
  const deviceKey = crypto.randomBytes(32);
  const salt = crypto.randomBytes(16);
  const kek = await deriveKek('correct horse battery', salt, FAST, deviceKey, passwordInfo(id));
  const body: KeyFile = {
    version: 1,
    profileId: id,
    device: { binding: 'keychain', fingerprint: 'aa'.repeat(8) },
    password: { kdf: kdfRecord(FAST, salt), hkdf: { hash: 'sha256', info: passwordInfo(id) }, box: seal(kek, dbKey, passwordAad(id)) },
    pin: null,
  };
  return { body, dbKey, deviceKey, salt };
}

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof CoreError ? err.code : 'untyped';
  }
};

describe('vault key file', () => {
  it('round-trips and unwraps only with the same password, device key and profile id', async () => {
    const { body, dbKey, deviceKey, salt } = await sample();
    const parsed = parseKeyFile(serializeKeyFile(body), id);
    const kek = await deriveKek('correct horse battery', salt, FAST, deviceKey, passwordInfo(id));
    expect(open(kek, parsed.password.box, passwordAad(id))?.equals(dbKey)).toBe(true);
    const otherDevice = await deriveKek('correct horse battery', salt, FAST, crypto.randomBytes(32), passwordInfo(id));
    expect(open(otherDevice, parsed.password.box, passwordAad(id))).toBeNull();
    const otherPassword = await deriveKek('correct horse batterz', salt, FAST, deviceKey, passwordInfo(id));
    expect(open(otherPassword, parsed.password.box, passwordAad(id))).toBeNull();
    // The AAD binds the profile id: the same box moved to another profile does not open.
    expect(open(kek, parsed.password.box, passwordAad(crypto.randomUUID()))).toBeNull();
  });

  it('reports every kind of damage as damaged_key_file, never as a wrong password', async () => {
    const text = serializeKeyFile((await sample()).body);
    expect(codeOf(() => parseKeyFile(text.slice(0, text.length / 2), id))).toBe('damaged_key_file');
    expect(codeOf(() => parseKeyFile('{"format":', id))).toBe('damaged_key_file');
    expect(codeOf(() => parseKeyFile('', id))).toBe('damaged_key_file');
    expect(codeOf(() => parseKeyFile(text, crypto.randomUUID()))).toBe('damaged_key_file');
    // Flip each byte position in turn (a sample of them): always damaged or unchanged meaning, never accepted silently.
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += 7) {
      const flipped = Buffer.from(bytes);
      flipped[i] = (flipped[i] as number) ^ 0x01;
      const code = codeOf(() => parseKeyFile(flipped.toString('utf8'), id));
      if (code === null) {
        // Only JSON-insignificant whitespace may change without detection.
        expect(parseKeyFile(flipped.toString('utf8'), id)).toEqual(parseKeyFile(text, id));
      } else expect(code).toBe('damaged_key_file');
    }
  });

  it('refuses KDF parameters that would exhaust memory', async () => {
    const { body } = await sample();
    const greedy = { ...body, password: { ...body.password, kdf: { ...body.password.kdf, log2N: 30 } } };
    expect(codeOf(() => parseKeyFile(serializeKeyFile(greedy), id))).toBe('damaged_key_file');
  });
});
