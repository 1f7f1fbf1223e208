import { createHmac, timingSafeEqual } from 'node:crypto';
import { isE164Mobile } from '../../shared/patient-contact.ts';
import { NotifyError, type NotifyFailure } from './errors.ts';
import { postForm } from './https-post.ts';
import type { ProviderDeliveryState, SmsProvider, SmsSendOutcome, StatusUpdate, WebhookRequest } from './sms-provider.ts';
import { isTlsFailure } from './tls-errors.ts';

/**
 * Twilio's Programmable Messaging API (and any provider speaking its dialect): a form POST to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth, JSON answers, and
 * webhooks signed with X-Twilio-Signature (HMAC-SHA1 of the URL and the sorted parameters, keyed
 * with the account's auth token).
 */
export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** An API key may stand in for the account credentials when sending; webhooks stay signed with authToken. */
  readonly apiKeySid?: string;
  readonly apiKeySecret?: string;
  /** Sender number (E.164) or a Messaging Service SID (MG…); one is required. */
  readonly from?: string;
  readonly messagingServiceSid?: string;
  /** Default https://api.twilio.com; a compatible provider or a test stand-in may be named here. */
  readonly baseUrl?: string;
  /** An extra CA (PEM) to trust for baseUrl, for a provider behind a private CA. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

// Twilio error codes (https://www.twilio.com/docs/api/errors) that say who or what is at fault.
const SEND_ERRORS: Record<number, NotifyFailure> = {
  20003: 'auth_failed',
  20429: 'unreachable',
  21211: 'invalid_number',
  21214: 'invalid_number',
  21217: 'invalid_number',
  21401: 'invalid_number',
  21407: 'invalid_number',
  21614: 'invalid_number',
  21610: 'opted_out',
};
const DELIVERY_ERRORS: Record<number, NotifyFailure> = {
  21610: 'opted_out',
  30003: 'unreachable',
  30004: 'opted_out',
  30005: 'invalid_number',
  30006: 'invalid_number',
  30008: 'unreachable',
};

export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function header(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name] ?? request.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

function deliveryState(status: string): ProviderDeliveryState | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

export function createTwilioProvider(config: TwilioConfig): SmsProvider {
  if (!ACCOUNT_SID.test(config.accountSid)) throw new NotifyError('invalid_config', 'sms.twilio.accountSid must look like AC followed by 32 hex digits');
  if (config.authToken.length < 16) throw new NotifyError('invalid_config', 'sms.twilio.authToken is missing or too short');
  if ((config.apiKeySid === undefined) !== (config.apiKeySecret === undefined)) {
    throw new NotifyError('invalid_config', 'sms.twilio.apiKeySid and apiKeySecret go together');
  }
  if (config.messagingServiceSid !== undefined && !SERVICE_SID.test(config.messagingServiceSid)) {
    throw new NotifyError('invalid_config', 'sms.twilio.messagingServiceSid must look like MG followed by 32 hex digits');
  }
  if (config.messagingServiceSid === undefined && (config.from === undefined || !/^\+[1-9]\d{6,14}$/.test(config.from))) {
    throw new NotifyError('invalid_config', 'sms.twilio needs "from" (an E.164 number) or "messagingServiceSid"');
  }
  const base = new URL(config.baseUrl ?? 'https://api.twilio.com');
  if (base.protocol !== 'https:') throw new NotifyError('invalid_config', 'sms.twilio.baseUrl must be https');
  const endpoint = new URL(`/2010-04-01/Accounts/${config.accountSid}/Messages.json`, base);
  const user = config.apiKeySid ?? config.accountSid;
  const password = config.apiKeySecret ?? config.authToken;
  const authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

  async function send(message: { to: string; body: string; statusCallbackUrl?: string }): Promise<SmsSendOutcome> {
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    if (config.messagingServiceSid !== undefined) form.set('MessagingServiceSid', config.messagingServiceSid);
    else form.set('From', config.from ?? '');
    if (message.statusCallbackUrl !== undefined) form.set('StatusCallback', message.statusCallbackUrl);
    let answer;
    try {
      answer = await postForm({ url: endpoint, form, authorization, ca: config.ca, timeoutMs: config.timeoutMs ?? 10_000 });
    } catch (err) {
      return { ok: false, failure: isTlsFailure(err) ? 'tls_failed' : 'unreachable' };
    }
    let json: { sid?: unknown; code?: unknown } = {};
    try {
      json = JSON.parse(answer.body) as typeof json;
    } catch {
      // A proxy's HTML error page: the status code alone decides.
    }
    if (answer.status >= 200 && answer.status < 300 && typeof json.sid === 'string' && MESSAGE_SID.test(json.sid)) {
      return { ok: true, providerId: json.sid };
    }
    const code = typeof json.code === 'number' ? json.code : undefined;
    const providerCode = code === undefined ? `http_${answer.status}` : String(code);
    if (code !== undefined && SEND_ERRORS[code] !== undefined) return { ok: false, failure: SEND_ERRORS[code], providerCode };
    if (answer.status === 401 || answer.status === 403) return { ok: false, failure: 'auth_failed', providerCode };
    if (answer.status === 429 || answer.status >= 500 || answer.status < 200) return { ok: false, failure: 'unreachable', providerCode };
    return { ok: false, failure: 'provider_rejected', providerCode };
  }

  return {
    name: 'twilio',
    send,
    verifyWebhook(request) {
      const given = header(request, 'X-Twilio-Signature');
      if (given === undefined || given.length > 200) return false;
      const expected = Buffer.from(twilioSignature(config.authToken, request.url, new URLSearchParams(request.body)));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    parseStatus(params): StatusUpdate | null {
      const sid = params.get('MessageSid') ?? params.get('SmsSid') ?? '';
      const state = deliveryState(params.get('MessageStatus') ?? params.get('SmsStatus') ?? '');
      if (!MESSAGE_SID.test(sid) || state === null || params.get('AccountSid') !== config.accountSid) return null;
      const to = params.get('To') ?? '';
      const code = Number(params.get('ErrorCode') ?? '');
      const failure = state === 'failed' ? (DELIVERY_ERRORS[code] ?? 'provider_rejected') : undefined;
      return {
        providerId: sid,
        state,
        to: isE164Mobile(to) ? to : null,
        ...(failure === undefined ? {} : { failure }),
        ...(Number.isInteger(code) && code > 0 ? { providerCode: String(code) } : {}),
      };
    },
    parseInbound(params) {
      const from = params.get('From') ?? '';
      const body = params.get('Body');
      if (params.get('AccountSid') !== config.accountSid || body === null || !/^\+[1-9]\d{6,14}$/.test(from)) return null;
      return { from, body: body.slice(0, 1600) };
    },
  };
}

/** The webhook's answer to an inbound SMS: TwiML with one reply, or an empty response. */
export function twimlReply(text: string | null): string {
  const escaped = (text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
  return text === null
    ? '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    : `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}
