/**
 * The renderer's Content-Security-Policy. No remote or inline script anywhere; the packaged app may
 * connect nowhere (`connect-src 'none'`): all traffic goes through main. The development bridge
 * allows exactly its own loopback WebSocket.
 */
export function buildCsp(options: { connectSrc: readonly string[] } = { connectSrc: [] }): string {
  const connect = options.connectSrc.length === 0 ? "'none'" : options.connectSrc.join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "media-src 'none'",
  ].join('; ');
}

/** Powerful web features the renderer never needs; denied in the page itself as well as by main's handlers. */
const DENIED_FEATURES = [
  'camera',
  'microphone',
  'geolocation',
  'display-capture',
  'usb',
  'serial',
  'hid',
  'bluetooth',
  'payment',
  'midi',
  'clipboard-read',
  'fullscreen',
  'screen-wake-lock',
  'publickey-credentials-get',
];

/**
 * Headers on every `app://` response of the desktop app. The desktop renderer talks to main only
 * through IPC, so `connect-src 'none'` holds in packaged and unpackaged runs alike.
 */
export function appResponseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': buildCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': DENIED_FEATURES.map((f) => `${f}=()`).join(', '),
  };
}
