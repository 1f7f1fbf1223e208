import { z } from 'zod';
import { AUDIT_REFRESH_MS, defineMethod } from './define.ts';

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** What the safe viewer can show; decided by core from the file's own bytes, never from the sender's type. */
export const ViewableKind = z.enum(['image', 'pdf']);
export type ViewableKind = z.infer<typeof ViewableKind>;
/** Only these reach the renderer as viewable content (no SVG: it can carry script). */
export const ViewableMime = z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
export type ViewableMime = z.infer<typeof ViewableMime>;

/** The plaintext crosses IPC as base64, so the viewer holds it in memory only (never a file). */
const MAX_VIEW_BYTES = 25 * 1024 * 1024;
const Data = z.string().max(Math.ceil(MAX_VIEW_BYTES / 3) * 4 + 4);
/** Images up to this size get a thumbnail in the thread (larger ones show a file chip). */
export const MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024;

export const attachmentsMethods = {
  /** Open one attachment in the safe viewer: images and PDFs only, every view audited. */
  'attachments.open': defineMethod({
    request: z.strictObject({ attachmentId: Id }),
    response: z.strictObject({ kind: ViewableKind, mime: ViewableMime, fileName: z.string().max(255), size: z.number().int().nonnegative(), dataBase64: Data }),
    access: 'phi',
    audit: { event: 'attachment.view' },
  }),
  /**
   * A thumbnail of an image attachment for the thread (null for other files and big images).
   * Shown as the thread scrolls, so audited like a screen refresh: once per attachment per quarter hour.
   */
  'attachments.thumbnail': defineMethod({
    request: z.strictObject({ attachmentId: Id }),
    response: z.strictObject({ thumbnail: z.strictObject({ mime: ViewableMime, dataBase64: Data }).nullable() }),
    access: 'phi',
    audit: { event: 'attachment.view', refreshMs: AUDIT_REFRESH_MS },
  }),
  /**
   * Save a copy outside the encrypted store, where policy allows (`saveAllowed`). The desktop app
   * asks where (main's save dialog) and core writes there ('file' or 'cancelled'); the development
   * bridge has no dialog, so the browser's own download saves it ('download' carries the bytes).
   */
  'attachments.save': defineMethod({
    request: z.strictObject({ attachmentId: Id }),
    response: z.discriminatedUnion('saved', [
      z.strictObject({ saved: z.literal('file') }),
      z.strictObject({ saved: z.literal('cancelled') }),
      z.strictObject({ saved: z.literal('download'), fileName: z.string().max(255), mime: z.string().max(255), dataBase64: Data }),
    ]),
    access: 'phi',
    audit: { event: 'attachment.save' },
  }),
};

export const attachmentsEvents = {};
