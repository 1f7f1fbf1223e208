import { app, session, type Session, type WebContents } from 'electron';
import type { Logger } from '../core/log/logger.ts';
import { mayGrantPermission, mayNavigate, mayRequestUrl, windowOpenDecision } from '../core/shell/hardening-rules.ts';

/**
 * Session-wide walls: every permission refused, and only app:// (plus inline images) may be fetched.
 * URLs are never logged; a link can carry PHI.
 */
export function hardenSession(ses: Session, log: Logger): void {
  const isPackaged = app.isPackaged;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = mayGrantPermission(permission, details.requestingUrl);
    if (!granted) log.warn('shell.permission_denied', { permission });
    callback(granted);
  });
  ses.setPermissionCheckHandler((_contents, permission, origin) => mayGrantPermission(permission, origin));
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = mayRequestUrl(details.url, { isPackaged });
    if (!allowed) log.warn('shell.request_blocked', { resourceType: details.resourceType });
    callback({ cancel: !allowed });
  });
  ses.on('will-download', (event) => {
    event.preventDefault();
    log.warn('shell.download_blocked');
  });
}

/** Applied to every web contents Electron creates, including ones nobody asked for. */
export function hardenContents(contents: WebContents, log: Logger): void {
  contents.setWindowOpenHandler((details) => {
    log.warn('shell.window_open_denied', { disposition: details.disposition });
    return windowOpenDecision(details.url);
  });
  const guardNavigation = (kind: string) => (event: { preventDefault(): void; url: string }) => {
    if (mayNavigate(event.url)) return;
    event.preventDefault();
    log.warn('shell.navigation_denied', { kind });
  };
  contents.on('will-navigate', guardNavigation('navigate'));
  contents.on('will-frame-navigate', guardNavigation('frame'));
  contents.on('will-redirect', guardNavigation('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('shell.webview_denied');
  });
  if (app.isPackaged) {
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

export function hardenDefaultSession(log: Logger): void {
  hardenSession(session.defaultSession, log);
}
