import type { Channel, PatientLocale, VerifyPolicy } from '../../shared/contract/patient-gateway.ts';
import type { GatewayAudit } from '../audit.ts';
import type { GatewayLog } from '../log.ts';
import type { GatewayStore } from '../store/gateway-store.ts';
import type { XmppSide } from '../xmpp/xmpp-side.ts';

/** What gateway/notify answers (its DeliveryResult), as the gateway relies on it. */
export type DeliveryResult =
  | { readonly status: 'sent'; readonly channel: Channel; readonly providerId: string; readonly at: string }
  | { readonly status: 'queued'; readonly channel: Channel; readonly until: string }
  | { readonly status: 'failed'; readonly channel: Channel | null; readonly failure: string; readonly retryable: boolean };

export interface Recipient {
  readonly channel?: Channel;
  readonly phone?: string;
  readonly email?: string;
}

/** The part of gateway/notify's Notifier the gateway uses. */
export interface PatientNotifier {
  send(recipient: Recipient, message: { clinicName: string; link: string; locale?: PatientLocale }): Promise<DeliveryResult>;
  sendCode(recipient: Recipient, message: { clinicName: string; code: string; locale?: PatientLocale }): Promise<DeliveryResult>;
  isOptedOut(channel: Channel, address: string): Promise<boolean>;
  close(): void;
}

export interface PatientPolicy {
  readonly verify: VerifyPolicy;
  readonly linkTtlMs: number;
  readonly sessionIdleMs: number;
  readonly maxAttempts: number;
  readonly codeTtlMs: number;
  /** A staff message within this long of the last notification sends no new one (the link is fresh). */
  readonly notifyCoalesceMs: number;
}

export interface GatewayContext {
  readonly clinicName: string;
  /** https://host[:port], no trailing slash: links are `${publicUrl}/p/<token>`. */
  readonly publicUrl: string;
  readonly mucDomain: string;
  /** Bare JIDs of the front-desk team: the only ones who may run commands; members of every room. */
  readonly team: ReadonlySet<string>;
  readonly policy: PatientPolicy;
  readonly store: GatewayStore;
  readonly audit: GatewayAudit;
  readonly xmpp: XmppSide;
  readonly notifier: PatientNotifier;
  /** Keys the date-of-birth and code hashes, and the address references for attempt limits. */
  readonly pepper: Buffer;
  readonly refKey: Buffer;
  readonly log: GatewayLog;
  now(): number;
}
