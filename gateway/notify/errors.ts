/**
 * Why a notification was not sent. These codes travel to the desktop as the patient-side state of
 * a message (shown there in plain words), so they name the situation, never the address or text.
 */
export const NOTIFY_FAILURES = [
  /** The number is not a valid mobile number (checked here, or refused by the provider). */
  'invalid_number',
  /** The e-mail address is not a plain address, or the relay refused the recipient. */
  'invalid_email',
  /** The patient asked not to be contacted on this channel (STOP, the e-mail link, the provider's list). */
  'opted_out',
  /** No channel is usable: no number for SMS, no address for e-mail, or the channel is not configured. */
  'no_channel',
  /** The provider or relay refused the message for another reason (content, sender, region). */
  'provider_rejected',
  /** The provider or relay refused our credentials. */
  'auth_failed',
  /** The provider or relay could not be reached, timed out, or answered with a temporary error. */
  'unreachable',
  /** The relay's certificate is not trusted, or it does not offer TLS: nothing is sent in clear. */
  'tls_failed',
  /** The message to send is not acceptable (clinic name or link malformed): a bug in the caller. */
  'invalid_message',
] as const;
export type NotifyFailure = (typeof NOTIFY_FAILURES)[number];

/** Failures that may succeed when retried later without anyone changing anything. */
export const RETRYABLE_FAILURES: ReadonlySet<NotifyFailure> = new Set(['unreachable']);

/** Thrown only for what the caller must fix (configuration, a forged webhook), never for a delivery outcome. */
export class NotifyError extends Error {
  readonly code: 'invalid_config' | 'bad_signature' | 'bad_request';

  constructor(code: NotifyError['code'], message: string) {
    super(message);
    this.name = 'NotifyError';
    this.code = code;
  }
}
