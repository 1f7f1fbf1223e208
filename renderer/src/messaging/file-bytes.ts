import { downloadBlob } from '../components/download-blob.ts';

/** Decoded file content for the viewer: kept in memory (Blob / typed array), never written anywhere. */
export function bytesFromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A blob: URL for in-memory bytes; the caller revokes it when the picture leaves the screen. */
export const blobUrlOf = (base64: string, mime: string): string => URL.createObjectURL(new Blob([bytesFromBase64(base64)], { type: mime }));

/**
 * The browser path of "Save" (the development bridge: no save dialog in main): the browser's own
 * download, as an opaque type so the browser never renders it. The URL is revoked at once after.
 */
export function downloadCopy(base64: string, fileName: string): void {
  downloadBlob(fileName, new Blob([bytesFromBase64(base64)], { type: 'application/octet-stream' }));
}
