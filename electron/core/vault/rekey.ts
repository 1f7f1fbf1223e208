import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { fsyncDir } from './atomic-write.ts';
import { passwordAad, writeKeyFile, type KeyFile } from './key-file.ts';
import { unwrapWithPassword } from './key-slots.ts';
import { seal } from './seal.ts';
import type { VaultContext } from './vault-context.ts';
import type { RekeyableStore } from './vault-types.ts';
import { shredFile } from './wipe.ts';

/**
 * Re-encrypts the store under a fresh key, crash-safe (order in README.md): the new key is wrapped
 * to key.next.json first, the store rekeys in one transaction, then key.next.json replaces key.json.
 * Returns the new key; the store is already under it when this resolves.
 */
export async function rekey(ctx: VaultContext, profileId: string, password: string, store: RekeyableStore): Promise<Buffer> {
  const { paths, file, key, kek } = await unwrapWithPassword(ctx, profileId, password);
  key.fill(0);
  const next = crypto.randomBytes(32);
  try {
    // 1. A crash from here on leaves both keys on disk and the store under exactly one of them.
    //    (The PIN slot, held in memory only, wraps the old key: the vault drops it after a rekey.)
    const pendingBody: KeyFile = { ...file, password: { ...file.password, box: seal(kek, next, passwordAad(profileId)) }, pin: null };
    await writeKeyFile(paths.pendingKeyFile, pendingBody);
    // 2. The store re-encrypts under the new key in one transaction.
    try {
      await store.rekey(next);
    } catch (err) {
      await fs.rm(paths.pendingKeyFile, { force: true });
      throw err;
    }
    // 3. Only now does the new key file replace the old one (atomic rename).
    await fs.rename(paths.pendingKeyFile, paths.keyFile);
    await fsyncDir(paths.dir);
    ctx.log.info('vault.rekeyed', { profileId });
    return next;
  } catch (err) {
    next.fill(0);
    throw err;
  } finally {
    kek.fill(0);
  }
}

/** After an interrupted rekey: keep the key that opened the store, discard the other. */
export async function settlePendingKey(ctx: VaultContext, profileId: string, kept: 'current' | 'pending'): Promise<void> {
  const paths = ctx.pathsOf(profileId);
  if (kept === 'pending') await fs.rename(paths.pendingKeyFile, paths.keyFile);
  else await shredFile(paths.pendingKeyFile);
  await fsyncDir(paths.dir);
  ctx.log.warn('vault.interrupted_rekey_settled', { profileId, kept });
}
