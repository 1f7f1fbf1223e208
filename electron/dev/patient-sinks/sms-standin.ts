import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';

/**
 * A loopback stand-in for Twilio's Messages API. It checks what the real one checks: the path
 * carries the account SID, HTTP basic auth with the account's (or an API key's) credentials, a
 * form-encoded body with To (E.164), From or MessagingServiceSid, and Body. It answers in
 * Twilio's JSON shapes and error codes, and posts signed status callbacks (X-Twilio-Signature)
 * the way Twilio does. Nothing leaves the machine.
 */
export interface CapturedSms {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly statusCallback: string | null;
  readonly at: number;
}

export interface SmsStandinOptions {
  readonly certPath: string;
  readonly keyPath: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKeys?: Readonly<Record<string, string>>;
  /** Numbers Twilio would refuse, with the error code it would answer (21211 invalid, 21610 unsubscribed). */
  readonly refuse?: Readonly<Record<string, number>>;
  /** Post "sent" then "delivered" to each message's StatusCallback (default true). */
  readonly autoDeliver?: boolean;
  /** A CA to trust when posting callbacks to an https gateway. */
  readonly callbackCa?: string;
}

export interface SmsStandin {
  readonly baseUrl: string;
  readonly messages: CapturedSms[];
  /** Requests refused, with why (for tests that prove a bad request was refused for the right reason). */
  readonly refusals: { reason: string; status: number }[];
  onMessage(listener: (sms: CapturedSms) => void): void;
  /** Posts a signed status callback for one message, as Twilio would. */
  postStatus(sid: string, status: string, errorCode?: number): Promise<number>;
  close(): Promise<void>;
}

export function signTwilio(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return createHmac('sha1', authToken)
    .update(url + pairs.map(([k, v]) => k + v).join(''), 'utf8')
    .digest('base64');
}

const E164 = /^\+[1-9]\d{6,14}$/;

function twilioError(res: http.ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

export function postSigned(url: string, params: URLSearchParams, authToken: string, ca?: string): Promise<number> {
  const target = new URL(url);
  const payload = params.toString();
  const signature = signTwilio(authToken, url, params);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'content-length': Buffer.byteLength(payload) },
        ...(ca === undefined ? {} : { ca }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startSmsStandin(options: SmsStandinOptions): Promise<SmsStandin> {
  const messages: CapturedSms[] = [];
  const refusals: { reason: string; status: number }[] = [];
  const listeners: ((sms: CapturedSms) => void)[] = [];
  const path = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  const credentials = new Map<string, string>([[options.accountSid, options.authToken], ...Object.entries(options.apiKeys ?? {})]);

  function refuse(res: http.ServerResponse, status: number, code: number, reason: string): void {
    refusals.push({ reason, status });
    twilioError(res, status, code, reason);
  }

  async function status(sms: CapturedSms, value: string, errorCode?: number): Promise<number> {
    if (sms.statusCallback === null) return 0;
    const params = new URLSearchParams({
      AccountSid: options.accountSid,
      MessageSid: sms.sid,
      SmsSid: sms.sid,
      MessageStatus: value,
      SmsStatus: value,
      To: sms.to,
      From: sms.from,
      ApiVersion: '2010-04-01',
    });
    if (errorCode !== undefined) params.set('ErrorCode', String(errorCode));
    return postSigned(sms.statusCallback, params, options.authToken, options.callbackCa);
  }

  const server = https.createServer(
    { key: await fs.readFile(options.keyPath), cert: await fs.readFile(options.certPath) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://standin');
        if (url.pathname !== path) return refuse(res, 404, 20404, 'The requested resource was not found');
        if (req.method !== 'POST') return refuse(res, 405, 20004, 'Method not allowed');
        const auth = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
        const [user, ...rest] = auth === null ? [''] : Buffer.from(auth[1] ?? '', 'base64').toString('utf8').split(':');
        if (user === undefined || credentials.get(user) === undefined || credentials.get(user) !== rest.join(':')) {
          return refuse(res, 401, 20003, 'Authenticate');
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          return refuse(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
        }
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const to = form.get('To') ?? '';
        const from = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
        const body = form.get('Body') ?? '';
        if (!E164.test(to)) return refuse(res, 400, 21211, `The 'To' number is not a valid phone number.`);
        if (from === '') return refuse(res, 400, 21603, `A 'From' or 'MessagingServiceSid' parameter is required.`);
        if (body.length === 0 || body.length > 1600) return refuse(res, 400, 21602, 'Message body is required and at most 1600 characters.');
        const refusedWith = options.refuse?.[to];
        if (refusedWith !== undefined) return refuse(res, 400, refusedWith, 'Refused by the stand-in for this number');
        const sms: CapturedSms = { sid: `SM${randomBytes(16).toString('hex')}`, to, from, body, statusCallback: form.get('StatusCallback'), at: Date.now() };
        messages.push(sms);
        for (const l of listeners) l(sms);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            sid: sms.sid,
            account_sid: options.accountSid,
            to,
            from,
            body,
            status: 'queued',
            num_segments: '1',
            direction: 'outbound-api',
            api_version: '2010-04-01',
            date_created: new Date(sms.at).toUTCString(),
            uri: `${path.replace('.json', '')}/${sms.sid}.json`,
          }),
        );
        if (options.autoDeliver !== false && sms.statusCallback !== null) {
          // Like Twilio: callbacks come after the API answered, one per state change.
          setTimeout(() => {
            status(sms, 'sent')
              .then(() => status(sms, 'delivered'))
              .catch(() => undefined);
          }, 10);
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `https://127.0.0.1:${port}`,
    messages,
    refusals,
    onMessage: (l) => void listeners.push(l),
    async postStatus(sid, value, errorCode) {
      const sms = messages.find((m) => m.sid === sid);
      if (sms === undefined) throw new Error('no such message');
      return status(sms, value, errorCode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
