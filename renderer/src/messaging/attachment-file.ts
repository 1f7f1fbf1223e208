import { MAX_ATTACHMENT_IPC_BYTES } from '../../../shared/contract/index.ts';

export { MAX_ATTACHMENT_IPC_BYTES };

const MIME = /^[\w.+-]+\/[\w.+-]+$/;
const MAX_NAME = 255;

/** The browser's guess of the type, or a neutral one when it has none the contract accepts. */
export function attachmentMime(file: File): string {
  const type = file.type.split(';')[0]!.trim();
  return type.length >= 3 && type.length <= 127 && MIME.test(type) ? type : 'application/octet-stream';
}

/** The file's own name, shortened (keeping its extension) to what the contract carries. */
export function attachmentName(file: File): string {
  const name = file.name.trim() || 'file';
  if (name.length <= MAX_NAME) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return name.slice(0, MAX_NAME - ext.length) + ext;
}

/** The file's bytes as base64, read by the browser itself (no copy through JS strings of binary). */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const comma = url.indexOf(',');
      if (comma < 0) reject(new Error('unreadable'));
      else resolve(url.slice(comma + 1));
    };
    reader.readAsDataURL(file);
  });
}

/** A renderer-chosen id to match upload progress events to one call. */
export function newUploadId(): string {
  return globalThis.crypto.randomUUID();
}
