import { isE164Mobile, normaliseEmail } from '../../shared/patient-contact.ts';
import { emailCodeBody, emailLinkBody, keywordReply, SMS_NOT_READ_REPLY, smsCodeBody, smsLinkBody, type EmailBody, type NotifyLocale } from './bodies.ts';
import { createSmtpSender, type EmailSender, type SmtpConfig } from './email-smtp.ts';
import { NotifyError, RETRYABLE_FAILURES, type NotifyFailure } from './errors.ts';
import { smsKeyword } from './keywords.ts';
import { addressKey, memoryOptOutStore, OPT_OUT_TOKEN, type OptOutChannel, type OptOutSource, type OptOutStore } from './opt-out.ts';
import { isValidTimeZone, parseMinutes, quietHoursUntil, type QuietHours } from './quiet-hours.ts';
import type { SmsProvider, StatusUpdate, WebhookRequest } from './sms-provider.ts';
import { createTwilioProvider, twimlReply, type TwilioConfig } from './sms-twilio.ts';

export { NOTIFY_FAILURES, NotifyError, type NotifyFailure } from './errors.ts';
export { memoryOptOutStore, type OptOutRecord, type OptOutStore } from './opt-out.ts';
export { quietHoursUntil, type QuietHours } from './quiet-hours.ts';
export type { SmsProvider, StatusUpdate, WebhookRequest } from './sms-provider.ts';
export { createTwilioProvider, twilioSignature, type TwilioConfig } from './sms-twilio.ts';
export type { SmtpConfig } from './email-smtp.ts';
export type { NotifyLocale } from './bodies.ts';

export type Channel = OptOutChannel;

export interface NotifierConfig {
  /** SMS through Twilio's API (or a compatible one), or any provider implementing SmsProvider. */
  readonly sms?: { readonly twilio: TwilioConfig; readonly statusCallbackUrl?: string } | { readonly provider: SmsProvider; readonly statusCallbackUrl?: string };
  /** optOutLinkBase: the gateway's public opt-out address; the token is appended to it. */
  readonly email?: { readonly smtp: SmtpConfig; readonly optOutLinkBase?: string };
  readonly quietHours?: QuietHours;
  /** At least 32 random bytes, kept with the gateway's other secrets: keys the opt-out list and links. */
  readonly optOutSecret: Buffer;
  readonly optOutStore?: OptOutStore;
  readonly now?: () => Date;
}

export interface Recipient {
  /** Which channel to use; without it, SMS when a phone number is given, else e-mail. */
  readonly channel?: Channel;
  /** E.164 mobile number. */
  readonly phone?: string;
  readonly email?: string;
}

export interface LinkMessage {
  readonly clinicName: string;
  readonly link: string;
  readonly locale?: NotifyLocale;
}

export interface CodeMessage {
  readonly clinicName: string;
  readonly code: string;
  readonly locale?: NotifyLocale;
}

export type DeliveryResult =
  | { readonly status: 'sent'; readonly channel: Channel; readonly providerId: string; readonly at: string }
  /** Quiet hours: nothing was sent; send again at or after `until` (ISO). */
  | { readonly status: 'queued'; readonly channel: Channel; readonly until: string }
  | {
      readonly status: 'failed';
      readonly channel: Channel | null;
      readonly failure: NotifyFailure;
      readonly retryable: boolean;
      readonly providerCode?: string;
    };

export interface InboundResult {
  /** What the SMS meant: a keyword, or anything else (patients reply on the page, not by SMS: they are told so). */
  readonly action: 'opted_out' | 'opted_in' | 'help' | 'ignored';
  /** The body to answer the provider's webhook with (TwiML). */
  readonly response: string;
}

export interface Notifier {
  send(recipient: Recipient, message: LinkMessage): Promise<DeliveryResult>;
  /** A one-time code the patient just asked for: sent even during quiet hours. */
  sendCode(recipient: Recipient, message: CodeMessage): Promise<DeliveryResult>;
  isOptedOut(channel: Channel, address: string): Promise<boolean>;
  /** Staff recording a patient's spoken wish, or the gateway honouring one. */
  setOptedOut(channel: Channel, address: string, optedOut: boolean, source: OptOutSource): Promise<void>;
  /** The unsubscribe link for an address (also sent as List-Unsubscribe). */
  emailOptOutLink(email: string): string | undefined;
  /** The e-mail unsubscribe link was followed (and confirmed): false for a malformed token. */
  handleEmailOptOut(token: string): Promise<boolean>;
  /** The provider's delivery-status webhook. Throws NotifyError('bad_signature') when forged. */
  handleSmsStatus(request: WebhookRequest): Promise<StatusUpdate>;
  /** The provider's inbound-SMS webhook (STOP / START / HELP). Throws NotifyError('bad_signature') when forged. */
  handleSmsInbound(request: WebhookRequest): Promise<InboundResult>;
  close(): void;
}

const failed = (channel: Channel | null, failure: NotifyFailure, providerCode?: string): DeliveryResult => ({
  status: 'failed',
  channel,
  failure,
  retryable: RETRYABLE_FAILURES.has(failure),
  ...(providerCode === undefined ? {} : { providerCode }),
});

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** A link a patient may be sent: https (http only to this machine, for demos), no credentials, short. */
function isSendableLink(link: string): boolean {
  if (link.length > 300) return false;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.href !== link) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

// One SMS segment holds about 70 characters of Spanish text: the name must leave room for the link.
const isClinicName = (name: string): boolean => name.trim() === name && name.length >= 1 && name.length <= 60 && !/[\p{Cc}\p{Cf}]/u.test(name);

function checkConfig(config: NotifierConfig): void {
  if (config.optOutSecret.length < 32) throw new NotifyError('invalid_config', 'optOutSecret must hold at least 32 random bytes');
  const q = config.quietHours;
  if (q !== undefined && (parseMinutes(q.start) === null || parseMinutes(q.end) === null || !isValidTimeZone(q.timeZone))) {
    throw new NotifyError('invalid_config', 'quietHours needs "HH:MM" start and end and an IANA time zone');
  }
  const base = config.email?.optOutLinkBase;
  if (base !== undefined && !isSendableLink(base)) throw new NotifyError('invalid_config', 'email.optOutLinkBase must be an https address');
}

export function createNotifier(config: NotifierConfig): Notifier {
  checkConfig(config);
  const now = config.now ?? (() => new Date());
  const store = config.optOutStore ?? memoryOptOutStore();
  const sms: SmsProvider | undefined =
    config.sms === undefined ? undefined : 'provider' in config.sms ? config.sms.provider : createTwilioProvider(config.sms.twilio);
  const email: EmailSender | undefined = config.email === undefined ? undefined : createSmtpSender(config.email.smtp);
  const key = (channel: Channel, address: string) => addressKey(config.optOutSecret, channel, address);
  const optOutLink = (normalised: string) =>
    config.email?.optOutLinkBase === undefined ? undefined : config.email.optOutLinkBase + key('email', normalised);

  async function optedOut(channel: Channel, normalised: string): Promise<boolean> {
    return (await store.get(key(channel, normalised)))?.optedOut === true;
  }

  async function record(channel: Channel, normalised: string, out: boolean, source: OptOutSource): Promise<void> {
    await store.set(key(channel, normalised), { optedOut: out, at: now().toISOString(), source });
  }

  /** Picks the channel and its normalised address, or says why there is none. */
  function route(recipient: Recipient): { channel: Channel; address: string } | DeliveryResult {
    const channel: Channel = recipient.channel ?? (recipient.phone !== undefined ? 'sms' : 'email');
    if (channel === 'sms') {
      if (sms === undefined || recipient.phone === undefined) return failed('sms', 'no_channel');
      return isE164Mobile(recipient.phone) ? { channel, address: recipient.phone } : failed('sms', 'invalid_number');
    }
    if (email === undefined || recipient.email === undefined) return failed('email', 'no_channel');
    const address = normaliseEmail(recipient.email);
    return address === null ? failed('email', 'invalid_email') : { channel, address };
  }

  async function deliver(
    recipient: Recipient,
    clinicName: string,
    bodies: { sms: () => string; email: (optOut: string | undefined) => EmailBody },
    honourQuietHours: boolean,
  ): Promise<DeliveryResult> {
    if (!isClinicName(clinicName)) return failed(null, 'invalid_message');
    const routed = route(recipient);
    if ('status' in routed) return routed;
    const { channel, address } = routed;
    if (await optedOut(channel, address)) return failed(channel, 'opted_out');
    if (honourQuietHours && config.quietHours !== undefined) {
      const until = quietHoursUntil(config.quietHours, now());
      if (until !== null) return { status: 'queued', channel, until: until.toISOString() };
    }
    if (channel === 'sms' && sms !== undefined) {
      const statusCallbackUrl = config.sms?.statusCallbackUrl;
      const outcome = await sms.send({ to: address, body: bodies.sms(), ...(statusCallbackUrl === undefined ? {} : { statusCallbackUrl }) });
      if (outcome.ok) return { status: 'sent', channel, providerId: outcome.providerId, at: now().toISOString() };
      // The provider keeps its own STOP list; learn from it so staff see "opted out" next time too.
      if (outcome.failure === 'opted_out') await record('sms', address, true, 'provider');
      return failed(channel, outcome.failure, outcome.providerCode);
    }
    if (email === undefined) return failed(channel, 'no_channel');
    const link = optOutLink(address);
    const outcome = await email.send(address, bodies.email(link), link);
    if (outcome.ok) return { status: 'sent', channel, providerId: outcome.messageId ?? '', at: now().toISOString() };
    return failed(channel, outcome.failure ?? 'provider_rejected', outcome.providerCode);
  }

  function verified(request: WebhookRequest): URLSearchParams {
    if (sms === undefined || request.body.length > 16_384 || !sms.verifyWebhook(request)) {
      throw new NotifyError('bad_signature', 'the SMS webhook is not signed by the provider');
    }
    return new URLSearchParams(request.body);
  }

  function normalised(channel: Channel, address: string): string | null {
    return channel === 'sms' ? (isE164Mobile(address) ? address : null) : normaliseEmail(address);
  }

  return {
    async send(recipient, message) {
      const locale = message.locale ?? 'en';
      if (!isSendableLink(message.link)) return failed(null, 'invalid_message');
      const notice = { clinicName: message.clinicName, link: message.link, locale };
      return deliver(recipient, message.clinicName, { sms: () => smsLinkBody(notice), email: (o) => emailLinkBody(notice, o) }, true);
    },
    async sendCode(recipient, message) {
      const locale = message.locale ?? 'en';
      if (!/^\d{4,10}$/.test(message.code)) return failed(null, 'invalid_message');
      const notice = { clinicName: message.clinicName, code: message.code, locale };
      return deliver(recipient, message.clinicName, { sms: () => smsCodeBody(notice), email: (o) => emailCodeBody(notice, o) }, false);
    },
    async isOptedOut(channel, address) {
      const n = normalised(channel, address);
      return n !== null && (await optedOut(channel, n));
    },
    async setOptedOut(channel, address, out, source) {
      const n = normalised(channel, address);
      if (n === null) throw new NotifyError('bad_request', channel === 'sms' ? 'not an E.164 mobile number' : 'not an e-mail address');
      await record(channel, n, out, source);
    },
    emailOptOutLink(address) {
      const n = normaliseEmail(address);
      return n === null ? undefined : optOutLink(n);
    },
    async handleEmailOptOut(token) {
      if (!OPT_OUT_TOKEN.test(token)) return false;
      await store.set(token, { optedOut: true, at: now().toISOString(), source: 'email_link' });
      return true;
    },
    async handleSmsStatus(request) {
      const params = verified(request);
      const update = sms?.parseStatus(params) ?? null;
      if (update === null) throw new NotifyError('bad_request', 'not a delivery status for this account');
      if (update.failure === 'opted_out' && update.to !== null) await record('sms', update.to, true, 'provider');
      return update;
    },
    async handleSmsInbound(request) {
      const params = verified(request);
      const inbound = sms?.parseInbound(params) ?? null;
      if (inbound === null) throw new NotifyError('bad_request', 'not an inbound SMS for this account');
      const keyword = smsKeyword(inbound.body);
      if (keyword === null) return { action: 'ignored', response: twimlReply(SMS_NOT_READ_REPLY) };
      if (keyword.action !== 'help' && isE164Mobile(inbound.from)) {
        await record('sms', inbound.from, keyword.action === 'opted_out', 'sms_keyword');
      }
      return { action: keyword.action, response: twimlReply(keywordReply(keyword.action, keyword.locale)) };
    },
    close() {
      email?.close();
    },
  };
}
