import { dialog, type BrowserWindow } from 'electron';

/**
 * The OS save dialog for `attachments.save`: the person picks the place, so the copy lands only
 * where they chose (never a temp folder). Null when they cancel or no window is open.
 */
export function saveDialog(window: () => BrowserWindow | null): (suggestedName: string) => Promise<string | null> {
  return async (suggestedName) => {
    const win = window();
    if (win === null) return null;
    const answer = await dialog.showSaveDialog(win, { defaultPath: suggestedName, properties: ['createDirectory', 'showOverwriteConfirmation'] });
    return answer.canceled || answer.filePath === undefined || answer.filePath === '' ? null : answer.filePath;
  };
}
