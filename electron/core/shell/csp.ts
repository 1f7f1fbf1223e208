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
  ].join('; ');
}
