import { clipboard, dialog, type BrowserWindow } from 'electron';
/** Copy and save: the two ways message content leaves the app, both owned by main. */

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

/**
 * Main owns the clipboard: `messaging.copy` writes the text here and clears it after the policy's
 * seconds, but only if it still holds that text (the person may have copied something else since).
 */
export function clipboardWithClear(): (text: string, clearAfterSeconds: number) => void {
  let timer: NodeJS.Timeout | undefined;
  return (text, clearAfterSeconds) => {
    clearTimeout(timer);
    clipboard.writeText(text);
    timer = setTimeout(() => {
      void Promise.resolve(clipboard.readText()).then((now) => {
        if (now === text) clipboard.clear();
      });
    }, clearAfterSeconds * 1000);
  };
}
