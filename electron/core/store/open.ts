import { acknowledgementOps } from './acknowledgements.ts';
import path from 'node:path';
import { shredBlob } from '../attachments/blob-files.ts';
import { CoreError } from '../errors.ts';
import { silentLogger } from '../log/logger.ts';
import { attachmentOps } from './attachment-rows.ts';
import { setRawKey } from '../sqlite/encrypted-db.ts';
import { connect, type Db } from './connection.ts';
import { conversationOps } from './conversation-ops.ts';
import { DAY_MS } from './format.ts';
import { messageOps } from './messages.ts';
import { outboxOps } from './outbox.ts';
import { heldBatches } from './held-batch.ts';
import { guardMethods } from './sqlite-errors.ts';
import type { OpenStoreOptions, Store } from './types.ts';

const PURGE_BATCH = 2000;

export function openSqliteStore(options: OpenStoreOptions): Store {
  return buildStore(
    connect({
      file: options.file,
      key: options.key,
      create: options.create ?? false,
      keyVerified: options.keyVerified ?? false,
      ...(options.onFormatMigration ? { onMigration: options.onFormatMigration } : {}),
    }),
    options,
  );
}

/** Benchmark-only: the same schema and queries on an unencrypted file, for the cipher overhead baseline. */
export function openPlainStoreForBenchmark(options: Omit<OpenStoreOptions, 'key'>): Store {
  return buildStore(connect({ file: options.file, key: null, create: options.create ?? false, keyVerified: false }), {
    ...options,
    key: Buffer.alloc(0),
  });
}

function buildStore(db: Db, options: OpenStoreOptions): Store {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const attachmentsDir = options.attachmentsDir ?? path.join(path.dirname(options.file), 'attachments');
  const messages = messageOps(db, now);
  const attachments = attachmentOps(db, attachmentsDir, now);
  let open = true;

  const getSetting = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const setSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const deleteSetting = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  const getSync = db.prepare<[string], string>('SELECT last_stanza_id FROM sync_state WHERE archive = ?').pluck();
  const setSync = db.prepare<[string, string, number]>(
    `INSERT INTO sync_state (archive, last_stanza_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (archive) DO UPDATE SET last_stanza_id = excluded.last_stanza_id, updated_at = excluded.updated_at`,
  );
  // Per conversation, so the timeline index serves retention too (no extra index to maintain on insert).
  const conversationIds = db.prepare<[], number>('SELECT id FROM conversations').pluck();
  const oldIds = db
    .prepare<[number, number, number], number>('SELECT id FROM messages WHERE conversation_id = ? AND sent_at < ? LIMIT ?')
    .pluck();
  const blobsOf = db.prepare<[number], string>('SELECT blob_name FROM attachments WHERE message_id = ?').pluck();
  const deleteMsg = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');

  const purgeBatch = db.transaction((conv: number, cutoff: number) => {
    const ids = oldIds.all(conv, cutoff, PURGE_BATCH);
    const blobs: string[] = [];
    for (const id of ids) {
      blobs.push(...blobsOf.all(id));
      deleteMsg.run(id); // cascades to attachments and outbox rows; the trigger removes the FTS entry
    }
    if (ids.length > 0) messages.refreshConversation(conv);
    return { count: ids.length, blobs };
  });

  const swept = attachments.sweepOrphans();
  if (swept > 0) log.info('store.orphan_blobs_removed', { count: swept });

  // An open batch (see openBatch) is committed early by what must not run inside a transaction.
  const held = heldBatches(db, options.file);
  const settle = held.settle;

  const store: Store = {
    file: options.file,
    attachments: guardMethods(attachments, () => open),
    ...conversationOps(db, now),
    ...messages,
    ...outboxOps(db, messages, now),
    ...acknowledgementOps(db),
    batch(fn) {
      // Nested: a savepoint, so a batch that throws takes back its own writes and nothing else.
      if (db.inTransaction) return db.transaction(fn)();
      // IMMEDIATE: take the write lock up front, so a batch never fails half-way on an upgrade.
      return db.transaction(fn).immediate();
    },
    openBatch: held.openBatch,
    get inBatch() {
      return db.inTransaction;
    },
    getSetting: (key) => getSetting.get(key) ?? null,
    setSetting: (key, value) => {
      setSetting.run(key, value);
    },
    deleteSetting: (key) => {
      deleteSetting.run(key);
    },
    getSyncState: (archive) => getSync.get(archive) ?? null,
    setSyncState: (archive, id) => {
      setSync.run(archive, id, now());
    },
    async purge(olderThanDays) {
      if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new CoreError('invalid_request', 'The retention period is not valid.');
      const cutoff = now() - olderThanDays * DAY_MS;
      let total = 0;
      let files = 0;
      for (const conv of conversationIds.all()) {
        for (;;) {
          const { count, blobs } = purgeBatch.immediate(conv, cutoff);
          // The rows (and so the per-file keys) are gone once the batch commits; shredding the
          // ciphertext is belt and braces. A crash here leaves orphans the next open sweeps.
          for (const b of blobs) await shredBlob(attachmentsDir, b);
          total += count;
          files += blobs.length;
          if (count < PURGE_BATCH) break;
        }
      }
      // Freed pages were zeroed by secure_delete; move them out of the WAL into the file now.
      settle();
      db.pragma('wal_checkpoint(TRUNCATE)');
      log.info('store.purged', { messages: total, attachments: files });
      return { messages: total, attachments: files };
    },
    rekey(newKey) {
      if (options.key.length === 0) throw new CoreError('unsupported', 'This store is not encrypted.');
      // Checkpoint first so every page lives in the main file when it is re-encrypted.
      settle();
      db.pragma('wal_checkpoint(TRUNCATE)');
      setRawKey(db, 'rekey', newKey);
      db.pragma('wal_checkpoint(TRUNCATE)');
      log.info('store.rekeyed');
    },
    optimize() {
      db.exec(`INSERT INTO messages_fts (messages_fts) VALUES ('optimize')`);
      db.pragma('optimize');
    },
    integrityCheck: () => (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check),
    close() {
      if (!open) return;
      open = false;
      try {
        settle();
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        held.close();
        db.close();
      }
    },
    get isOpen() {
      return open;
    },
  };
  return guardMethods(store, () => open, ['close']);
}
