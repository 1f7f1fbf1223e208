import path from 'node:path';
import { listBlobFilesSync, openBlob, readBlob, shredBlob, shredFileSync, writeBlob } from '../attachments/blob-files.ts';
import { CoreError } from '../errors.ts';
import type { Db } from './connection.ts';
import type { AttachmentMeta, StoreAttachments } from './types.ts';

interface AttachmentRow {
  id: number;
  message_id: number;
  file_name: string;
  mime: string;
  size: number;
  file_key: Buffer;
  sha256: string;
  blob_name: string;
}

const NOT_FOUND = 'That attachment was not found.';
export const MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024;

const toMeta = (r: AttachmentRow): AttachmentMeta => ({
  id: r.id,
  messageId: r.message_id,
  fileName: r.file_name,
  mime: r.mime,
  size: r.size,
  sha256: r.sha256,
});

export interface AttachmentInternals extends StoreAttachments {
  /** Delete blobs that no row references (a crash between writing a blob and its row, or mid-purge). */
  sweepOrphans(): number;
}

export function attachmentOps(db: Db, dir: string, now: () => number): AttachmentInternals {
  const byId = db.prepare<[number], AttachmentRow>('SELECT * FROM attachments WHERE id = ?');
  const byMessage = db.prepare<[number], AttachmentRow>('SELECT * FROM attachments WHERE message_id = ? ORDER BY id');
  const messageExists = db.prepare<[number], { x: number }>('SELECT 1 AS x FROM messages WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO attachments (message_id, file_name, mime, size, file_key, sha256, blob_name, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const remove = db.prepare<[number]>('DELETE FROM attachments WHERE id = ?');
  const names = db.prepare<[], string>('SELECT blob_name FROM attachments').pluck();

  const must = (id: number) => {
    const row = byId.get(id);
    if (row === undefined) throw new CoreError('not_found', NOT_FOUND);
    return row;
  };

  const verifyFailed = (err: unknown) =>
    new CoreError('damaged_store', 'An attachment on this computer is damaged and cannot be opened.', { cause: err });

  return {
    async add(input) {
      if (messageExists.get(input.messageId) === undefined) throw new CoreError('not_found', 'That message was not found.');
      let blob;
      try {
        blob = await writeBlob(dir, input.data, MAX_ATTACHMENT_BYTES);
      } catch (err) {
        if (err instanceof RangeError) throw new CoreError('invalid_request', 'The attachment is too large.', { cause: err });
        throw err;
      }
      try {
        const id = Number(
          insert.run(input.messageId, input.fileName, input.mime, blob.size, blob.key, blob.sha256, blob.blobName, now())
            .lastInsertRowid,
        );
        return toMeta(must(id));
      } catch (err) {
        await shredBlob(dir, blob.blobName);
        throw err;
      } finally {
        blob.key.fill(0);
      }
    },
    get(id) {
      const row = byId.get(id);
      return row === undefined ? null : toMeta(row);
    },
    list: (messageId) => byMessage.all(messageId).map(toMeta),
    async read(id) {
      const row = must(id);
      try {
        return await readBlob(dir, row.blob_name, row.file_key, row.sha256);
      } catch (err) {
        throw verifyFailed(err);
      }
    },
    open(id) {
      const row = must(id);
      const stream = openBlob(dir, row.blob_name, row.file_key, row.sha256);
      // Callers see a typed, PHI-free error instead of crypto or fs details.
      const original = stream.destroy.bind(stream);
      stream.destroy = (err?: Error) => original(err === undefined || err === null ? err : verifyFailed(err));
      return stream;
    },
    async remove(id) {
      const row = must(id);
      remove.run(id);
      await shredBlob(dir, row.blob_name);
    },
    sweepOrphans() {
      const known = new Set(names.all());
      let removed = 0;
      for (const file of listBlobFilesSync(dir)) {
        if (!known.has(file)) {
          shredFileSync(path.join(dir, file));
          removed++;
        }
      }
      return removed;
    },
  };
}
