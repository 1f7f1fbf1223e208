import { BrowserWindow, Menu, app, type MenuItemConstructorOptions } from 'electron';
import { APP_ORIGIN } from '../../shared/contract/index.ts';
import type { Logger } from '../core/log/logger.ts';
import { menuTemplate, windowOptions, windowTitleFor } from '../core/shell/window.ts';

export interface WindowInput {
  readonly preloadPath: string;
  readonly kiosk: boolean;
}

export function installMenu(): void {
  const template = menuTemplate(process.platform, app.isPackaged);
  // MenuItemSpec is a structural subset of Electron's menu item options (core cannot import electron).
  Menu.setApplicationMenu(template === null ? null : Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));
}

/** The one app window: options from core/shell, content protection on, title pinned to 'Sealwire'. */
export function createMainWindow(input: WindowInput, log: Logger): BrowserWindow {
  const win = new BrowserWindow(windowOptions({ ...input, isPackaged: app.isPackaged }));
  // Keeps PHI out of screenshots, screen sharing and recording tools (Windows and macOS).
  win.setContentProtection(true);
  if (app.isPackaged) win.removeMenu();
  // The page may not rename the window (titles show in task switchers and screen readers'
  // histories): only the unread count may join the name, "Sealwire (3)".
  win.on('page-title-updated', (event, title: string) => {
    event.preventDefault();
    win.setTitle(windowTitleFor(title));
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('unresponsive', () => log.warn('shell.renderer_unresponsive'));
  void win.loadURL(`${APP_ORIGIN}/index.html`).catch((err: unknown) => log.error('shell.load_failed', { error: err }));
  return win;
}
