import { writeFile } from 'node:fs/promises';
import { MAX_THUMBNAIL_BYTES, type attachmentsMethods } from '../../../../shared/contract/index.ts';
import { sniffViewable } from '../../attachments/sniff.ts';
import { CoreError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import type { HandlersFor } from '../dispatcher.ts';

export interface AttachmentsHandlerDeps {
  requireStore(): Store;
  /** Whether policy lets staff save attachments outside the encrypted store. */
  saveAllowed(): boolean;
  /**
   * The desktop app's save dialog (main): the path the person chose, or null if they cancelled.
   * Absent in the development bridge, where the browser's download saves the file instead.
   */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}

/** Most the viewer and the bridge's download carry (the contract's base64 limit). */
const MAX_VIEW_BYTES = 25 * 1024 * 1024;

/**
 * attachments.*: the safe viewer's content, thumbnails and saving. What a file is comes from its
 * bytes (sniffViewable), never from the sender's type; the plaintext leaves core only in memory
 * (the IPC answer), never as a temp file; each call is audited from its contract entry.
 */
export function attachmentsHandlers(deps: AttachmentsHandlerDeps): HandlersFor<typeof attachmentsMethods> {
  const meta = (store: Store, id: number) => {
    const found = store.attachments.get(id);
    if (found === null) throw new CoreError('not_found', 'That attachment was not found.');
    return found;
  };
  return {
    'attachments.open': async ({ attachmentId }) => {
      const store = deps.requireStore();
      const file = meta(store, attachmentId);
      if (file.size > MAX_VIEW_BYTES) throw new CoreError('not_viewable', 'This file is too large to show here. Save it to open it.');
      const data = await store.attachments.read(attachmentId);
      const mime = sniffViewable(data);
      if (mime === null) throw new CoreError('not_viewable', 'This file cannot be shown here. Save it to open it.');
      return { kind: mime === 'application/pdf' ? 'pdf' : 'image', mime, fileName: file.fileName, size: file.size, dataBase64: data.toString('base64') };
    },
    'attachments.thumbnail': async ({ attachmentId }) => {
      const store = deps.requireStore();
      const file = meta(store, attachmentId);
      if (file.size > MAX_THUMBNAIL_BYTES || !file.mime.startsWith('image/')) return { thumbnail: null };
      const data = await store.attachments.read(attachmentId);
      const mime = sniffViewable(data);
      if (mime === null || mime === 'application/pdf') return { thumbnail: null };
      return { thumbnail: { mime, dataBase64: data.toString('base64') } };
    },
    'attachments.save': async ({ attachmentId }) => {
      if (!deps.saveAllowed()) throw new CoreError('not_allowed', 'Your organisation does not allow saving attachments on this computer.');
      const store = deps.requireStore();
      const file = meta(store, attachmentId);
      if (deps.chooseSavePath === undefined) {
        if (file.size > MAX_VIEW_BYTES) throw new CoreError('not_allowed', 'This file is too large to save from this window.');
        const data = await store.attachments.read(attachmentId);
        return { saved: 'download', fileName: file.fileName, mime: 'application/octet-stream', dataBase64: data.toString('base64') };
      }
      const target = await deps.chooseSavePath(file.fileName);
      if (target === null) return { saved: 'cancelled' };
      // Verified in full before a byte is written: a damaged blob never leaves a partial copy.
      await writeFile(target, await store.attachments.read(attachmentId), { mode: 0o600 });
      return { saved: 'file' };
    },
  };
}
