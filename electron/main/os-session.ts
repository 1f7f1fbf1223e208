import { powerMonitor, type BrowserWindow } from 'electron';
import type { Core } from '../core/app.ts';
import type { Logger } from '../core/log/logger.ts';

/**
 * Feeds the OS into the session: screen lock, suspend and fast user switching lock at once; the
 * window losing focus matters when policy says "lock immediately". When the session leaves
 * "unlocked", main itself clears the renderer (cache and reload), so a frozen or compromised
 * renderer cannot keep PHI on screen.
 */
export function bindOsSession(core: Core, win: BrowserWindow, log: Logger): void {
  powerMonitor.on('lock-screen', () => core.session.osEvent('lock-screen'));
  powerMonitor.on('suspend', () => core.session.osEvent('suspend'));
  // macOS fast user switching; Windows reports a session switch as 'lock-screen'.
  powerMonitor.on('user-did-resign-active', () => core.session.osEvent('user-switch'));
  win.on('blur', () => core.session.windowBlurred());
  win.on('hide', () => core.session.windowBlurred());

  core.events.subscribe((name, payload) => {
    if (name !== 'session.changed' || (payload as { state?: string }).state === 'unlocked') return;
    if (win.isDestroyed()) return;
    const contents = win.webContents;
    void contents.session
      .clearCache()
      .then(() => contents.session.clearStorageData({ storages: ['cachestorage', 'serviceworkers', 'shadercache'] }))
      .then(() => contents.reloadIgnoringCache())
      .catch((err: unknown) => log.error('shell.clear_renderer_failed', { error: err }));
  });
}

export const osIdleSeconds = (): number => powerMonitor.getSystemIdleTime();
