import type { NotifyFailure } from './errors.ts';

/**
 * What the notifier needs from an SMS provider. Twilio's adapter is the one we ship; another
 * provider (or a clinic's own SMS gateway) plugs in by implementing this.
 */
export type SmsSendOutcome =
  | { readonly ok: true; readonly providerId: string }
  | { readonly ok: false; readonly failure: NotifyFailure; readonly providerCode?: string };

/** A webhook request as the gateway's HTTP server received it. */
export interface WebhookRequest {
  /** The full public URL the provider called (as configured there), query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw form-encoded body. */
  readonly body: string;
}

export type ProviderDeliveryState = 'sent' | 'delivered' | 'failed';

export interface StatusUpdate {
  readonly providerId: string;
  readonly state: ProviderDeliveryState;
  /** Normalised E.164 number the message went to (to honour a provider-side opt-out). */
  readonly to: string | null;
  readonly failure?: NotifyFailure;
  readonly providerCode?: string;
}

export interface InboundSms {
  readonly from: string;
  readonly body: string;
}

export interface SmsProvider {
  readonly name: string;
  send(message: { to: string; body: string; statusCallbackUrl?: string }): Promise<SmsSendOutcome>;
  /** True only when the request carries the provider's valid signature. */
  verifyWebhook(request: WebhookRequest): boolean;
  parseStatus(params: URLSearchParams): StatusUpdate | null;
  parseInbound(params: URLSearchParams): InboundSms | null;
}
