/**
 * Hands a file the staff member asked for to the browser's download (the exports below). The text
 * never leaves the renderer any other way and the object URL is revoked at once.
 * In Electron, main blocks downloads (shell hardening): the desktop build needs a save dialog in main.
 */
export function downloadText(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Today's local date as YYYY-MM-DD, for file names (no names, no ids). */
export const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
