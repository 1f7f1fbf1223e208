/**
 * Options for the one app window, as a plain object so the tests can check every security switch
 * without the Electron binary. The shape matches Electron's BrowserWindowConstructorOptions.
 */
export interface WindowOptionsInput {
  readonly preloadPath: string;
  readonly kiosk: boolean;
  readonly isPackaged: boolean;
}

/** The app's identity for the OS (Windows AppUserModelID, macOS bundle id); build/electron-builder.yml uses the same. */
export const APP_ID = 'health.sealwire.desktop';

/** Fixed and PHI-free: the title never shows a patient, a colleague or a conversation. */
export const WINDOW_TITLE = 'Sealwire';
export const BACKGROUND_COLOR = '#f7f8fa';

/** The title the page asked for, if it is the name and an unread count ("Sealwire (3)"); else the fixed name. */
export function windowTitleFor(pageTitle: string): string {
  return /^Sealwire \(\d{1,5}\)$/.test(pageTitle) ? pageTitle : WINDOW_TITLE;
}

export function windowOptions(input: WindowOptionsInput) {
  return {
    title: WINDOW_TITLE,
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    kiosk: input.kiosk,
    // A kiosk terminal shows no window chrome: no frame to drag, close or resize.
    frame: !input.kiosk,
    fullscreen: input.kiosk,
    fullscreenable: input.kiosk,
    backgroundColor: BACKGROUND_COLOR,
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !input.isPackaged,
      enableWebSQL: false,
    },
  };
}

export interface MenuItemSpec {
  readonly label?: string;
  readonly role?:
    | 'appMenu'
    | 'editMenu'
    | 'windowMenu'
    | 'quit'
    | 'reload'
    | 'forceReload'
    | 'toggleDevTools';
  readonly submenu?: readonly MenuItemSpec[];
}

/**
 * The application menu: none on Windows and Linux in packaged builds; on macOS only the app and Edit
 * menus (Cmd+C/V need them). DevTools and reload appear only in unpackaged runs.
 */
export function menuTemplate(platform: string, isPackaged: boolean): MenuItemSpec[] | null {
  const mac = platform === 'darwin';
  const develop: MenuItemSpec[] = isPackaged
    ? []
    : [{ label: 'Develop', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] }];
  if (mac) return [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }, ...develop];
  return develop.length === 0 ? null : develop;
}
