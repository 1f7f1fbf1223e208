import path from 'node:path';
import { app, type BrowserWindow } from 'electron';
import log from 'electron-log/main';
import { createCore, type Core } from '../core/app.ts';
import { osIdleFromSeconds } from '../core/session/controller.ts';
import { createLogger, type LogLevel } from '../core/log/logger.ts';
import { parseShellArgs } from '../core/shell/hardening-rules.ts';
import { APP_ID } from '../core/shell/window.ts';
import { hardenContents, hardenDefaultSession } from './hardening.ts';
import { bindIpc, forwardEventsTo } from './ipc.ts';
import { managedCoreOptions } from './managed-sources.ts';
import { bindNotifications } from './notifications.ts';
import { bindOsSession, osIdleSeconds } from './os-session.ts';
import { handleAppProtocol, registerAppScheme } from './protocol.ts';
import { clipboardWithClear, saveDialog } from './copy-and-save.ts';
import { createMainWindow, installMenu } from './window.ts';

// The logger first: every transport gets the redaction hook before anything can be logged.
// Policy logLevel (default info) decides what is written, live: main follows core's policy below.
let logLevel: LogLevel = 'info';
const logger = createLogger(log, () => logLevel);
log.transports.file.level = 'debug';
log.transports.console.level = app.isPackaged ? false : 'debug';

// Bad input must never take the app down: log (redacted) and carry on.
process.on('uncaughtException', (err) => logger.error('main.uncaught_exception', { error: err }));
process.on('unhandledRejection', (reason) => logger.error('main.unhandled_rejection', { error: reason }));

const shellArgs = parseShellArgs(process.argv);

if (!app.requestSingleInstanceLock()) {
  // Another Sealwire already runs for this OS user; it receives 'second-instance' and comes forward.
  app.quit();
} else {
  start();
}

function start(): void {
  let win: BrowserWindow | null = null;
  let core: Core | null = null;

  app.enableSandbox();
  // Windows groups the taskbar entry and shows notifications under this id; it must match the installer's.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  registerAppScheme();

  app.on('second-instance', () => {
    if (win === null || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, logger));
  // Every window, not only the main one, stays out of screenshots and screen sharing (policy
  // contentProtection only tightens from its default, on).
  app.on('browser-window-created', (_event, window) => window.setContentProtection(true));
  app.on('render-process-gone', (_event, _contents, details) =>
    logger.error('shell.renderer_gone', { reason: details.reason, exitCode: details.exitCode }),
  );
  app.on('child-process-gone', (_event, details) => logger.error('shell.child_gone', { type: details.type, reason: details.reason }));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void core?.close().catch((err: unknown) => logger.error('main.core_close_failed', { error: err }));
  });

  void app
    .whenReady()
    .then(() => {
      const root = app.getAppPath();
      hardenDefaultSession(logger);
      handleAppProtocol(path.join(root, 'dist', 'renderer'), logger);
      installMenu();
      core = createCore({
        dataDir: app.getPath('userData'),
        runtime: 'desktop',
        appVersion: app.getVersion(),
        log: logger,
        osIdle: osIdleFromSeconds(osIdleSeconds),
        kiosk: shellArgs.kiosk,
        chooseSavePath: saveDialog(() => win),
        clipboard: clipboardWithClear(),
        // Server, CA, pins, admins and policy from Group Policy, MDM or /etc/sealwire/policy.json.
        ...managedCoreOptions(logger),
      });
      logLevel = core.policy.values.logLevel;
      core.policy.watch((values) => {
        logLevel = values.logLevel;
      });
      bindIpc(core, logger);
      win = createMainWindow({ preloadPath: path.join(root, 'dist', 'electron', 'preload.cjs'), kiosk: core.policy.values.kiosk }, logger);
      forwardEventsTo(win.webContents, core, logger);
      bindOsSession(core, win, logger);
      bindNotifications(core, win);
      win.on('closed', () => {
        win = null;
      });
      logger.info('main.started', { kiosk: shellArgs.kiosk, packaged: app.isPackaged });
    })
    .catch((err: unknown) => {
      logger.error('main.start_failed', { error: err });
      app.exit(1);
    });
}
