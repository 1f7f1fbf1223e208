import type { PatientDelivery, PatientFailure } from '../../../shared/contract/index.ts';

/** Literal keys (the i18n key test checks each exists in both languages). */
export const DELIVERY_TEXT = {
  sending: 'patients.delivery.sending',
  queued: 'patients.delivery.queued',
  notified: 'patients.delivery.notified',
  delivered: 'patients.delivery.delivered',
  opened: 'patients.delivery.opened',
  verified: 'patients.delivery.verified',
  read: 'patients.delivery.read',
  failed: 'patients.delivery.failed',
} as const satisfies Record<PatientDelivery, string>;

export const FAILURE_TEXT = {
  opted_out: 'patients.failure.opted_out',
  invalid_number: 'patients.failure.invalid_number',
  invalid_email: 'patients.failure.invalid_email',
  quiet_hours_until: 'patients.failure.quiet_hours_until',
  locked: 'patients.failure.locked',
  closed: 'patients.failure.closed',
  no_consent: 'patients.failure.no_consent',
  provider_rejected: 'patients.failure.provider_rejected',
  auth_failed: 'patients.failure.auth_failed',
  unreachable: 'patients.failure.unreachable',
  no_channel: 'patients.failure.no_channel',
  tls_failed: 'patients.failure.tls_failed',
  invalid_message: 'patients.failure.invalid_message',
} as const satisfies Record<PatientFailure, string>;

export const LINK_TEXT = {
  none: 'patients.link.none',
  active: 'patients.link.active',
  expired: 'patients.link.expired',
  revoked: 'patients.link.revoked',
  locked: 'patients.link.locked',
} as const;
