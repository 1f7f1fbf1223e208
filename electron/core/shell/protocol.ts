import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_ORIGIN } from '../../../shared/contract/index.ts';
import { appResponseHeaders } from './csp.ts';

const MAX_PATH_LENGTH = 1024;
/**
 * Built renderer files only ever have plain names (Vite writes `assets/index-AbC_12.js`), so anything
 * else is refused outright instead of being interpreted: no dot-files, no `..`, no `%`, no `:`
 * (drive letters, NTFS streams), no backslashes, no control characters.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/**
 * Maps a request path of the app's own origin to a file inside the renderer folder, or null.
 * Refuses traversal (.., encoded or double-encoded slashes and dots, NUL, absolute or drive paths)
 * and anything that would land outside `root`. Symlinks are checked by `readRendererFile`.
 */
export function resolveRendererPath(root: string, requestPath: string): string | null {
  if (typeof requestPath !== 'string' || requestPath.length > MAX_PATH_LENGTH) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/')) return null;
  const relative = decoded.slice(1);
  if (relative === '') return path.resolve(root, 'index.html');
  const segments = relative.split('/');
  if (!segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) return null;
  const base = path.resolve(root);
  const resolved = path.resolve(base, ...segments);
  if (!resolved.startsWith(base + path.sep)) return null;
  return resolved;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export const contentTypeFor = (file: string): string => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

const isInside = (base: string, file: string): boolean => file.startsWith(base + path.sep);

/**
 * Reads a renderer file for a request path, or null. Besides the path check it resolves symlinks,
 * so a link inside the renderer folder that points elsewhere is refused, and only regular files are served.
 */
export async function readRendererFile(root: string, requestPath: string): Promise<{ file: string; body: Buffer } | null> {
  const file = resolveRendererPath(root, requestPath);
  if (file === null) return null;
  try {
    // Only calls Electron's asar layer serves from inside app.asar (realpath, stat, readFile);
    // fs.open would extract each file to a temporary folder first.
    const [realBase, realFile] = await Promise.all([fs.realpath(root), fs.realpath(file)]);
    if (!isInside(realBase, realFile)) return null;
    if (!(await fs.stat(realFile)).isFile()) return null;
    return { file: realFile, body: await fs.readFile(realFile) };
  } catch {
    return null;
  }
}

export interface AppResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
}

/**
 * The whole `app://` protocol answer, outside Electron so it is testable: only GET/HEAD on the app's
 * own host, only files inside the renderer folder, always with the security headers.
 */
export async function serveAppRequest(root: string, method: string, url: string): Promise<AppResponse> {
  const headers = appResponseHeaders();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, headers, body: null };
  }
  const app = new URL(APP_ORIGIN);
  if (parsed.protocol !== app.protocol || parsed.host !== app.host || parsed.username !== '' || parsed.password !== '') {
    return { status: 404, headers, body: null };
  }
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { ...headers, Allow: 'GET, HEAD' }, body: null };
  const found = await readRendererFile(root, parsed.pathname);
  if (found === null) return { status: 404, headers, body: null };
  return {
    status: 200,
    headers: { ...headers, 'Content-Type': contentTypeFor(found.file) },
    body: method === 'HEAD' ? null : found.body,
  };
}
