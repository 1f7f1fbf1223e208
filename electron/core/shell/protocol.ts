import path from 'node:path';

/**
 * Maps a request path of the app's own origin to a file inside the renderer folder, or null.
 * Refuses traversal (.., encoded slashes, NUL, absolute or drive paths) and anything outside `root`.
 */
export function resolveRendererPath(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /(^|\/)\.\.(\/|$)/.test(decoded)) return null;
  if (/^\/*[a-zA-Z]:/.test(decoded)) return null;
  const relative = decoded.replace(/^\/+/, '') || 'index.html';
  const base = path.resolve(root);
  const resolved = path.resolve(base, relative);
  if (resolved !== base && !resolved.startsWith(base + path.sep)) return null;
  return resolved;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export const contentTypeFor = (file: string): string => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
