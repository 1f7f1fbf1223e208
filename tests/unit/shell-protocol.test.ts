import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsp } from '../../electron/core/shell/csp.ts';
import { contentTypeFor, readRendererFile, resolveRendererPath, serveAppRequest } from '../../electron/core/shell/protocol.ts';
import { makeTempDir, removeTempDir } from '../support/temp-dir.ts';

let tmp: string;
let root: string;

beforeAll(async () => {
  tmp = makeTempDir('protocol');
  root = path.join(tmp, 'renderer');
  await fs.mkdir(path.join(root, 'assets'), { recursive: true });
  await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><title>Sealwire</title>');
  await fs.writeFile(path.join(root, 'assets', 'index-1ZA6ddL-.js'), 'console.log(1)');
  await fs.writeFile(path.join(tmp, 'secret.txt'), 'PHI outside the renderer');
  await fs.symlink(path.join(tmp, 'secret.txt'), path.join(root, 'assets', 'escape.txt'));
  await fs.symlink(tmp, path.join(root, 'outside'));
  await fs.symlink(path.join(root, 'index.html'), path.join(root, 'assets', 'inside.html'));
});

afterAll(async () => {
  await removeTempDir(tmp);
});

describe('resolveRendererPath', () => {
  it('maps ordinary paths inside the renderer folder', () => {
    expect(resolveRendererPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererPath(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererPath(root, '/assets/index-1ZA6ddL-.js')).toBe(path.join(root, 'assets', 'index-1ZA6ddL-.js'));
  });
  it('refuses traversal in every spelling', () => {
    const attacks = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..',
      '/assets/..',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/.%2e/secret.txt',
      '/%2e./secret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/assets%2F..%2F..%2Fsecret.txt',
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/..\\secret.txt',
      '/assets\\..\\..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/index.html%00.js',
      '/index.html\0',
      '//etc/passwd',
      '/etc//passwd',
      '/C:/Windows/win.ini',
      '/c:%5cWindows%5cwin.ini',
      '/C%3A/Windows/win.ini',
      '/index.html::$DATA',
      '/.env',
      '/assets/.hidden',
      '/./index.html',
      '/assets/',
      'index.html',
      '/%',
      '/%E0%A4%A',
      '/ind ex.html',
      '/index.html\n',
      `/${'a/'.repeat(600)}x`,
    ];
    for (const attack of attacks) expect(resolveRendererPath(root, attack), JSON.stringify(attack)).toBeNull();
  });
  it('never answers with a path outside the root', () => {
    const samples = ['/a', '/a/b', '/a-b_c.d', '/...', '/a..b'];
    for (const s of samples) {
      const r = resolveRendererPath(root, s);
      if (r !== null) expect(r.startsWith(root + path.sep)).toBe(true);
    }
  });
});

describe('readRendererFile', () => {
  it('reads files inside the folder, including symlinks that stay inside', async () => {
    expect((await readRendererFile(root, '/index.html'))?.body.toString()).toContain('Sealwire');
    expect((await readRendererFile(root, '/assets/inside.html'))?.body.toString()).toContain('Sealwire');
  });
  it('refuses symlinks that escape the folder, directories and missing files', async () => {
    expect(await readRendererFile(root, '/assets/escape.txt')).toBeNull();
    expect(await readRendererFile(root, '/outside/secret.txt')).toBeNull();
    expect(await readRendererFile(root, '/assets')).toBeNull();
    expect(await readRendererFile(root, '/missing.js')).toBeNull();
  });
});

describe('serveAppRequest', () => {
  it('serves files with their type and the security headers', async () => {
    const r = await serveAppRequest(root, 'GET', 'app://sealwire/assets/index-1ZA6ddL-.js?v=1#x');
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['Content-Security-Policy']).toBe(buildCsp());
    expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(r.headers['Referrer-Policy']).toBe('no-referrer');
    expect(r.body?.toString()).toBe('console.log(1)');
    expect((await serveAppRequest(root, 'GET', 'app://sealwire/')).headers['Content-Type']).toBe('text/html; charset=utf-8');
  });
  it('refuses other hosts, other methods, traversal and escapes, still with the headers', async () => {
    const cases: [string, string, number][] = [
      ['GET', 'app://other/index.html', 404],
      ['GET', 'app://user@sealwire/index.html', 404],
      ['GET', 'https://sealwire/index.html', 404],
      ['GET', 'not a url', 400],
      ['POST', 'app://sealwire/index.html', 405],
      ['PUT', 'app://sealwire/index.html', 405],
      ['GET', 'app://sealwire/%2e%2e/secret.txt', 404],
      ['GET', 'app://sealwire/assets/escape.txt', 404],
      ['GET', 'app://sealwire/nope.js', 404],
    ];
    for (const [method, url, status] of cases) {
      const r = await serveAppRequest(root, method, url);
      expect(r.status, `${method} ${url}`).toBe(status);
      expect(r.body).toBeNull();
      expect(r.headers['Content-Security-Policy']).toBe(buildCsp());
    }
  });
  it('answers HEAD without a body', async () => {
    const r = await serveAppRequest(root, 'HEAD', 'app://sealwire/index.html');
    expect(r.status).toBe(200);
    expect(r.body).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('names the renderer file types and falls back to octet-stream', () => {
    expect(contentTypeFor('a.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream');
  });
});
