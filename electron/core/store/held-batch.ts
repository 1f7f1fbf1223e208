import fs from 'node:fs';
import type { Db } from './connection.ts';
import type { OpenBatch } from './types.ts';

/**
 * Batches left open across turns of the event loop (Store.openBatch), made durable without
 * blocking it. Their COMMIT runs with synchronous=NORMAL: in WAL mode that is atomic and survives
 * the process being killed (the frames are in the OS's cache), but skips the fsync. The fsync of
 * the WAL that makes the commit survive a power cut then runs on libuv's thread pool, and
 * `commit()` resolves when it is done. Every other write keeps synchronous=FULL.
 */
export function heldBatches(db: Db, file: string) {
  let held = false;
  let closed = false;
  let walFd: number | null = null;
  // Prepared once: db.pragma() compiles its statement on every call, twice per batch.
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const syncFull = db.prepare('PRAGMA synchronous = FULL');

  const fsyncWal = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) {
        resolve(); // closing checkpointed and synced everything
        return;
      }
      try {
        walFd ??= fs.openSync(`${file}-wal`, 'r');
      } catch (err) {
        reject(err as Error);
        return;
      }
      fs.fsync(walFd, (err) => (err === null || closed ? resolve() : reject(err)));
    });

  const finish = (): void => {
    held = false;
    if (db.open) syncFull.run();
  };

  return {
    openBatch(): OpenBatch {
      if (db.inTransaction) throw new Error('store: a batch is already open');
      syncNormal.run();
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        syncFull.run();
        throw err;
      }
      held = true;
      return {
        commit: () => {
          try {
            if (held && db.inTransaction) db.exec('COMMIT');
          } catch (err) {
            if (db.open && db.inTransaction) db.exec('ROLLBACK');
            throw err;
          } finally {
            finish();
          }
          return fsyncWal();
        },
        rollback: () => {
          if (held && db.open && db.inTransaction) db.exec('ROLLBACK');
          finish();
        },
      };
    },
    /**
     * Commit an open batch now, fsync'd, before what must not run inside a transaction (closing,
     * rekeying, the purge's checkpoint); its owner's commit then finds nothing left to do.
     */
    settle(): void {
      if (!held) return;
      if (db.open && db.inTransaction) db.exec('COMMIT');
      finish();
      if (walFd !== null) fs.fsyncSync(walFd);
    },
    /** The store is closing (after settle and its final checkpoint). */
    close(): void {
      closed = true;
      if (walFd !== null) fs.closeSync(walFd);
      walFd = null;
    },
  };
}
