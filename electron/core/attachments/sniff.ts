import type { ViewableMime } from '../../../shared/contract/index.ts';

const startsWith = (data: Buffer, bytes: readonly number[], at = 0): boolean => bytes.every((b, i) => data[at + i] === b);

/**
 * The type a file really is, from its first bytes, among the types the safe viewer shows; null
 * for anything else. The type in the message is the sender's claim and is never trusted: an HTML
 * page or an SVG (both can carry script) named "scan.png" is not an image here.
 */
export function sniffViewable(data: Buffer): ViewableMime | null {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, [0x47, 0x49, 0x46, 0x38]) && (data[4] === 0x37 || data[4] === 0x39) && data[5] === 0x61) return 'image/gif';
  if (startsWith(data, [0x52, 0x49, 0x46, 0x46]) && startsWith(data, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  // PDF readers accept the header within the first 1 KiB; so does PDF.js.
  if (data.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  return null;
}
