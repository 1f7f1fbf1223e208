import type http from 'node:http';
import https from 'node:https';
import type { PatientLocale } from '../../shared/contract/patient-gateway.ts';
import type { Notifier } from '../notify/index.ts';
import type { GatewayContext } from '../patients/context.ts';
import { providerStatus } from '../patients/delivery.ts';
import { localeFromHeader } from './i18n.ts';
import { messagePage, STYLE, unsubscribePage } from './pages.ts';
import { PatientRoutes, type Reply, type RouteRequest } from './patient-routes.ts';
import { COOKIE } from './sessions.ts';

const MAX_FORM_BYTES = 16 * 1024;
const MAX_WEBHOOK_BYTES = 16 * 1024;

// No script may run at all; styles only from our own stylesheet; forms only post back here.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export type WebhookHandlers = Pick<Notifier, 'handleSmsStatus' | 'handleSmsInbound' | 'handleEmailOptOut'>;

class RequestError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`http ${status}`);
    this.status = status;
  }
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(new RequestError(413));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new RequestError(413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => reject(new RequestError(400)));
  });
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * The patient page over HTTPS. Every request ends in a page, a redirect or an error page: nothing
 * a client sends can throw past here. POSTs must come from our own origin (Origin and
 * Sec-Fetch-Site), carry the session's CSRF token and be a small url-encoded form.
 */
export function createPatientServer(ctx: GatewayContext, tls: { cert: string | Buffer; key: string | Buffer }, hooks: WebhookHandlers) {
  const routes = new PatientRoutes(ctx);
  const origin = new URL(ctx.publicUrl).origin;

  const send = (res: http.ServerResponse, reply: Reply) => {
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (reply.cookie !== undefined) headers['set-cookie'] = reply.cookie;
    if (reply.kind === 'redirect') {
      res.writeHead(303, { ...headers, location: reply.location }).end();
      return;
    }
    res.writeHead(reply.status, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(reply.html);
  };

  const errorPage = (res: http.ServerResponse, status: number, locale: PatientLocale) => {
    if (res.headersSent) return res.destroy();
    send(res, { kind: 'page', status, html: messagePage({ locale, clinicName: ctx.clinicName, path: '/' }, 'title', status === 404 ? 'notFound' : 'badRequest') });
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headerLocale = localeFromHeader(req.headers['accept-language']);
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > 2048 || !rawUrl.startsWith('/')) throw new RequestError(400);
    const url = new URL(rawUrl, origin);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const langParam = url.searchParams.get('lang');
    const lang: PatientLocale | null = langParam === 'es' || langParam === 'en' ? langParam : null;

    if (path.startsWith('/hooks/sms/')) return webhook(req, res, path, url);

    let form = new URLSearchParams();
    if (method === 'POST') {
      const site = req.headers['sec-fetch-site'];
      const from = req.headers.origin;
      if ((from !== undefined && from !== origin) || (site !== undefined && site !== 'same-origin' && site !== 'none')) throw new RequestError(403);
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') throw new RequestError(415);
      form = new URLSearchParams(await readBody(req, MAX_FORM_BYTES));
    } else if (method !== 'GET' && method !== 'HEAD') throw new RequestError(405);

    const r: RouteRequest = { method, path, sessionId: cookieValue(req.headers.cookie, COOKIE), form, lang, headerLocale };
    const link = /^\/p\/([^/]{1,100})$/.exec(path);
    const unsubscribe = /^\/unsubscribe\/([A-Za-z0-9_-]{1,100})$/.exec(path);
    if (path === '/s.css' && method === 'GET') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).end(STYLE);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS).end();
      return;
    }
    if (link && method === 'GET') return send(res, await routes.open(link[1] as string, r));
    if (path === '/v' && method === 'GET') return send(res, routes.verifyPage(r));
    if (path === '/v/dob' && method === 'POST') return send(res, await routes.verify('dob', r));
    if (path === '/v/code' && method === 'POST') return send(res, await routes.verify('code', r));
    if (path === '/t' && method === 'GET') return send(res, routes.thread(r));
    if (path === '/t/reply' && method === 'POST') return send(res, await routes.reply(r));
    if (path === '/logout' && method === 'POST') return send(res, routes.logout(r));
    if (unsubscribe) {
      const f = { locale: lang ?? headerLocale, clinicName: ctx.clinicName, path };
      const done = method === 'POST' && (await hooks.handleEmailOptOut(unsubscribe[1] as string));
      if (done) ctx.audit.record('patient.opt_out', null, ['channel:email'], 'ok');
      return send(res, { kind: 'page', status: 200, html: unsubscribePage(f, unsubscribe[1] as string, done) });
    }
    throw new RequestError(404);
  }

  async function webhook(req: http.IncomingMessage, res: http.ServerResponse, path: string, url: URL): Promise<void> {
    if (req.method !== 'POST' || (path !== '/hooks/sms/status' && path !== '/hooks/sms/inbound')) throw new RequestError(404);
    const request = { url: `${ctx.publicUrl}${url.pathname}${url.search}`, headers: req.headers, body: await readBody(req, MAX_WEBHOOK_BYTES) };
    try {
      if (path === '/hooks/sms/status') {
        providerStatus(ctx, await hooks.handleSmsStatus(request));
        res.writeHead(204).end();
      } else {
        const result = await hooks.handleSmsInbound(request);
        if (result.action === 'opted_out') ctx.audit.record('patient.opt_out', null, ['channel:sms'], 'ok');
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(result.response);
      }
    } catch {
      // A forged or malformed callback: refused, nothing recorded.
      throw new RequestError(403);
    }
  }

  const server = https.createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof RequestError ? err.status : 500;
      if (status === 500) ctx.log.error('web.failed', { error: err instanceof Error ? err.name : 'unknown' });
      errorPage(res, status, localeFromHeader(req.headers['accept-language']));
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  return { server, routes };
}
