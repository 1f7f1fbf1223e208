import { isAppUrl } from './origin.ts';

/**
 * Decisions for what a renderer may do beyond showing the app. They are plain functions so the unit
 * tests cover them; electron/main only wires them to Electron's events. URLs are never logged
 * (a link may carry PHI), so callers log only the decision.
 */

/** In-page navigation stays on the app's own origin; everything else (links, redirects, file://) is refused. */
export function mayNavigate(url: unknown): boolean {
  return isAppUrl(url);
}

/** `window.open` and target=_blank are always refused: Sealwire never opens a second window or the OS browser. */
export function windowOpenDecision(_url: unknown): { action: 'deny' } {
  return { action: 'deny' };
}

/** Every permission request and check (camera, notifications API, geolocation, clipboard read, …) is refused. */
export function mayGrantPermission(_permission: string, _origin: unknown): boolean {
  return false;
}

const DEV_SCHEMES = new Set(['devtools:', 'chrome-extension:']);
const INLINE_SCHEMES = new Set(['data:', 'blob:']);

/**
 * Which URLs the renderer's session may fetch at all (a second wall behind the CSP): the app's own
 * origin, inline data/blob images, and Chromium's DevTools pages only in unpackaged runs.
 */
export function mayRequestUrl(url: unknown, options: { isPackaged: boolean }): boolean {
  if (isAppUrl(url)) return true;
  if (typeof url !== 'string') return false;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return false;
  }
  if (INLINE_SCHEMES.has(protocol)) return true;
  return !options.isPackaged && DEV_SCHEMES.has(protocol);
}

export interface ShellArgs {
  readonly kiosk: boolean;
}

/** Reads the shell's own switches from the command line. Only the exact `--kiosk` switch turns kiosk mode on. */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  return { kiosk: argv.some((a) => a === '--kiosk' || a === '--kiosk=true') };
}
