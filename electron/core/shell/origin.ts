import { APP_ORIGIN } from '../../../shared/contract/index.ts';

const APP = new URL(APP_ORIGIN);

/** True only for a URL on the app's own origin (`app://sealwire/...`): no credentials, no port, no look-alikes. */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 4096) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === APP.protocol &&
    parsed.host === APP.host &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Whether an IPC call may be answered: only frames showing the app's own origin. The same rule holds
 * for unpackaged runs, so a development build never learns to trust file://, http:// or a dev server.
 */
export function isTrustedSender(frameUrl: unknown): boolean {
  return isAppUrl(frameUrl);
}
