import { MANAGED_KEYS, type ManagedKey } from '../../shared/contract/policy.ts';
import type { KeySpec } from '../../shared/contract/managed-keys.ts';

/** Placeholder values for keys whose default is "unset", so every template names every key. */
const PLACEHOLDERS: Partial<Record<ManagedKey, unknown>> = {
  organisationName: 'Example Clinic',
  serverAddress: 'chat.clinic.example',
  allowedDomains: ['clinic.example'],
  caCertificatePem: '-----BEGIN CERTIFICATE-----\nREPLACE+WITH+YOUR+ORGANISATION+CA+IN+BASE64=\n-----END CERTIFICATE-----',
  certificatePins: ['sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  adminAddresses: ['it-admin@clinic.example'],
  auditAddress: 'audit@clinic.example',
  messageRetentionDays: 365,
};

export const managedKeys = (): Array<[ManagedKey, KeySpec]> => Object.entries(MANAGED_KEYS) as Array<[ManagedKey, KeySpec]>;

/** The value a template shows for a key: its default, or a placeholder the admin replaces. */
export function exampleValue(key: ManagedKey): unknown {
  return PLACEHOLDERS[key] ?? MANAGED_KEYS[key].default;
}

export const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const CATEGORY_TITLES = {
  organisation: 'Organisation',
  session: 'Sign-in and session',
  data: 'Data and retention',
  attachments: 'Attachments',
  privacy: 'Privacy',
  device: 'Device',
} as const;

/** How a key tightens, in words (documentation and ADML explain text). */
export function stricterWords(spec: KeySpec): string {
  if ('security' in spec && spec.security === false && spec.kind === 'list') return 'The built-in list applies until server or machine policy sets one (unset accepts any type); after that, and for the user policy, a shorter list is stricter.';
  if ('security' in spec && spec.security === false) return 'Off by default; server or machine policy may turn it on. After that, and for the user policy, disabled is stricter.';
  switch (spec.stricter) {
    case 'lower':
      return 'A lower value is stricter.';
    case 'higher':
      return 'A higher value is stricter.';
    case 'lower_or_set':
      return 'Any value is stricter than unset; a lower value is stricter.';
    case 'true':
      return 'Enabled is stricter.';
    case 'false':
      return 'Disabled is stricter.';
    case 'order':
      return `Stricter first: ${spec.kind === 'choice' ? spec.values.join(', ') : ''}.`;
    case 'subset':
      return 'A source may only narrow the list; unset means any.';
    case 'fixed':
      return 'Set by the organisation (server or machine policy) only; the user policy cannot change it.';
  }
}
