import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methodNames } from '../../shared/contract/index.ts';
import { startTestWorkstation } from '../support/workstation.ts';

type Frame = { kind: string; id: number | null; result: { ok: boolean; error?: { code: string; message: string } } };

let ws: Awaited<ReturnType<typeof startTestWorkstation>>;
let socket: WebSocket;
const inbox: Frame[] = [];
const waiters: Array<(f: Frame) => void> = [];

function nextResult(): Promise<Frame> {
  const ready = inbox.shift();
  return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
}

async function sendRaw(data: string | Buffer): Promise<Frame> {
  socket.send(data);
  return nextResult();
}

let seq = 1;
const call = (method: unknown, request: unknown) => sendRaw(JSON.stringify({ id: seq++, method, request }));

beforeAll(async () => {
  ws = await startTestWorkstation('fuzz');
  socket = new WebSocket(ws.bridge.wsUrl, { origin: ws.bridge.origin, maxPayload: 64 * 1024 * 1024 });
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    if (frame.kind !== 'result') return;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
});

afterAll(async () => {
  socket.close();
  await ws.close();
});

const TEN_MB = 'A'.repeat(10 * 1024 * 1024);
const MALFORMED: Array<[string, string]> = [
  ['null', 'null'],
  ['number', '42'],
  ['string', '"hello"'],
  ['array', '[1,2,3]'],
  ['unknown key', '{"notAField":true}'],
  ['__proto__ key', '{"__proto__":{"isAdmin":true,"polluted":1}}'],
  ['constructor key', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['deep nesting', '{"a":'.repeat(500) + '1' + '}'.repeat(500)],
  ['10 MB string', JSON.stringify(TEN_MB)],
  ['10 MB field', JSON.stringify({ notAField: TEN_MB })],
];

describe('IPC fuzz through the development bridge', () => {
  it('answers every malformed payload to every method with a typed invalid_request', async () => {
    expect(methodNames.length).toBeGreaterThan(0);
    for (const method of methodNames) {
      for (const [label, requestJson] of MALFORMED) {
        const frame = await sendRaw(`{"id":${seq++},"method":${JSON.stringify(method)},"request":${requestJson}}`);
        expect(frame.result.ok, `${method} accepted ${label}`).toBe(false);
        expect(frame.result.error?.code, `${method} / ${label}`).toBe('invalid_request');
        expect(frame.result.error?.message.length).toBeLessThan(200);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // Ten payloads (two of 10 MB) for each of the contract's methods: it grows with the contract.
  }, 240_000);

  it('answers unknown methods and broken frames with typed errors', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 'hasOwnProperty', 'system.status ', 'SYSTEM.STATUS', 'x'.repeat(99)]) {
      expect((await call(name, {})).result.error?.code).toBe('unknown_method');
    }
    for (const raw of ['not json', '{"id":-1,"method":"system.status","request":{}}', '{"method":"system.status"}', '[]', '"x"', '{"id":1.5,"method":"a","request":{}}', `{"id":1,"method":${JSON.stringify(TEN_MB)},"request":{}}`]) {
      const frame = await sendRaw(raw);
      expect(frame.result.error?.code).toBe('invalid_request');
    }
    const binary = await sendRaw(Buffer.from([0, 1, 2, 3]));
    expect(binary.result.error?.code).toBe('invalid_request');
  });

  it('stays up and answers the next valid call', async () => {
    const frame = await call('system.status', {});
    expect(frame.result.ok).toBe(true);
  });

  it('refuses a connection without the token, with a wrong token, or from another origin', async () => {
    const attempt = (url: string, origin: string) =>
      new Promise<number>((resolve) => {
        const s = new WebSocket(url, { origin });
        s.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        s.on('open', () => {
          s.close();
          resolve(101);
        });
        s.on('error', () => resolve(-1));
      });
    const bare = ws.bridge.wsUrl.split('?')[0] ?? '';
    expect(await attempt(bare, ws.bridge.origin)).toBe(401);
    expect(await attempt(`${bare}?token=wrong`, ws.bridge.origin)).toBe(401);
    expect(await attempt(ws.bridge.wsUrl, 'http://evil.example')).toBe(403);
    expect(await attempt(ws.bridge.wsUrl, ws.bridge.origin)).toBe(101);
  });
});
