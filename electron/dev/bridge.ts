import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_PATH,
  BRIDGE_TOKEN_PARAM,
  BridgeCall,
  type BridgeServerFrame,
} from '../../shared/contract/index.ts';
import type { Core } from '../core/app.ts';
import type { Logger } from '../core/log/logger.ts';
import { buildCsp } from '../core/shell/csp.ts';
import { contentTypeFor, readRendererFile } from '../core/shell/protocol.ts';

/**
 * The development bridge: the IPC contract over a loopback WebSocket, so the real renderer runs in a
 * real browser against the real core. Development and tests only; never part of a packaged build.
 */
export interface BridgeOptions {
  readonly core: Core;
  readonly log: Logger;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  readonly port?: number;
  readonly token?: string;
  /** Largest frame accepted (a 25 MB attachment is about 35 MB as base64); bigger frames close the socket (1009). */
  readonly maxPayloadBytes?: number;
}

export interface Bridge {
  readonly origin: string;
  readonly token: string;
  /** The page to open: the token rides in the fragment, which browsers never send to the server. */
  readonly url: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(ws: WebSocket, frame: BridgeServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { core, log } = options;
  let origin = '';

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const headers = {
        'Content-Security-Policy': buildCsp({ connectSrc: [origin.replace(/^http/, 'ws') + BRIDGE_PATH] }),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
        'Cross-Origin-Opener-Policy': 'same-origin',
      };
      if (req.method !== 'GET') {
        res.writeHead(405, headers).end();
        return;
      }
      // Same checks as the app:// protocol: traversal, odd names and symlinks leading outside are refused.
      const found = await readRendererFile(options.staticDir, url.pathname).catch(() => null);
      if (found === null) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': contentTypeFor(found.file) }).end(found.body);
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 40 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const refuse = (status: number, reason: string) => {
      log.warn('bridge.upgrade_refused', { status });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
    if (!sameToken(url.searchParams.get(BRIDGE_TOKEN_PARAM), token)) return refuse(401, 'Unauthorized');
    // Browsers always send Origin; a page from any other origin (or a stray local tool) is refused.
    if (req.headers.origin !== origin) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = core.events.subscribe((name, payload) => send(ws, { kind: 'event', name, payload }));
    ws.on('close', unsubscribe);
    ws.on('error', (err) => log.warn('bridge.socket_error', { error: err }));
    ws.on('message', (data, isBinary) => {
      void (async () => {
        let call: BridgeCall;
        try {
          if (isBinary) throw new Error('binary frame');
          const parsed = BridgeCall.safeParse(JSON.parse(String(data)));
          if (!parsed.success) throw new Error('bad frame');
          call = parsed.data;
        } catch {
          send(ws, {
            kind: 'result',
            id: null,
            result: { ok: false, error: { code: 'invalid_request', message: 'The request was not in the expected form.' } },
          });
          return;
        }
        const result = await core.dispatcher.call(call.method, call.request, { transport: 'bridge' });
        send(ws, { kind: 'result', id: call.id, result });
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${HOST}:${port}`;
  log.info('bridge.listening', { port });

  return {
    origin,
    token,
    url: `${origin}/#${BRIDGE_TOKEN_PARAM}=${token}`,
    wsUrl: `ws://${HOST}:${port}${BRIDGE_PATH}?${BRIDGE_TOKEN_PARAM}=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Browsers keep HTTP connections alive; without this, close waits for their idle timeout.
      server.closeAllConnections();
      await closed;
    },
  };
}
