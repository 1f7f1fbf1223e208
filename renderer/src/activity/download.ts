import { downloadBlob } from '../components/download-blob.ts';

/** An export (My activity) as a text file: see downloadBlob. */
export function downloadText(fileName: string, type: string, text: string): void {
  downloadBlob(fileName, new Blob([text], { type }));
}

/** Today's local date as YYYY-MM-DD, for file names (no names, no ids). */
export const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
