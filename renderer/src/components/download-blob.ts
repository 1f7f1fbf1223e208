/**
 * Hands a file the staff member asked for to the browser's download. The bytes never leave the
 * renderer any other way and the object URL is revoked at once.
 * In Electron, main blocks downloads (shell hardening): the desktop build saves through main instead.
 */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
