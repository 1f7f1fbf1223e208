/** Pure naming rules for attachment messages (no DOM: unit-tested in Node). */

/**
 * The name to show for an attachment message. The contract gives the renderer only the upload
 * address (the body) and a count; XEP-0363 servers end that address with the file's name.
 */
export function attachmentNameFromUrl(body: string): string | null {
  try {
    const last = new URL(body).pathname.split('/').pop() ?? '';
    const name = decodeURIComponent(last).trim();
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

/**
 * An encrypted attachment (XEP-0454) whose file is still downloading: its body is the address,
 * whose fragment holds the file's key. The screen shows a file chip, never that address.
 */
export const isEncryptedAttachmentAddress = (body: string): boolean => /^aesgcm:\/\//i.test(body.trim());

/** A search snippet without its highlight marks (U+0002 … U+0003). */
export const unmarked = (snippet: string): string => snippet.split('\u0002').join('').split('\u0003').join('');

/**
 * A search hit on a file message matches its upload address (its body); the hit then shows the
 * file's name, never the address (which would put a download capability on screen).
 */
export function fileNameOfSnippet(snippet: string): string | null {
  const plain = unmarked(snippet).trim();
  return /^(https?|aesgcm):\/\/\S+$/i.test(plain) ? attachmentNameFromUrl(plain) : null;
}
