import { createHash } from 'node:crypto';
import { MANAGED_KEYS, type ManagedKey } from '../../shared/contract/policy.ts';
import { REGISTRY_KEY } from '../../electron/core/policy/windows-registry.ts';

/**
 * MSI public properties for silent installs (`msiexec /i Sealwire.msi /qn SERVER=chat.clinic.org
 * ORGCA=MIIB… ADMINS=it@clinic.org`): each one set on the command line becomes the managed value
 * under HKLM\Software\Policies\Sealwire, exactly where Group Policy writes it, so the app reads
 * it on its next start. A property left out writes nothing (Group Policy or Intune may own it).
 */
export interface MsiProperty {
  readonly property: string;
  readonly key: ManagedKey;
  /** How the value is written: a string, or (ORGCA) the PEM rebuilt around base64 as a multi-string. */
  readonly form: 'string' | 'pem';
  readonly doc: string;
}

export const MSI_PROPERTIES: readonly MsiProperty[] = [
  { property: 'SERVER', key: 'serverAddress', form: 'string', doc: 'XMPP server host, optionally :port.' },
  { property: 'ALLOWEDDOMAINS', key: 'allowedDomains', form: 'string', doc: 'Account domains, separated by ";".' },
  { property: 'ORGCA', key: 'caCertificatePem', form: 'pem', doc: 'The organisation CA certificate: its base64 body on one line (the PEM without header, footer and line breaks).' },
  { property: 'PINS', key: 'certificatePins', form: 'string', doc: 'SHA-256 public-key pins ("sha256/…"), separated by ";".' },
  { property: 'ADMINS', key: 'adminAddresses', form: 'string', doc: 'Admin addresses, separated by ";".' },
  { property: 'QUICKREPLIES', key: 'quickReplies', form: 'string', doc: 'Quick replies offered to every staff member, separated by ";".' },
  { property: 'AUDIT', key: 'auditAddress', form: 'string', doc: 'Address that collects audit heads.' },
  { property: 'ORGNAME', key: 'organisationName', form: 'string', doc: 'Display name of the organisation.' },
  { property: 'UPDATEMODE', key: 'updateMode', form: 'string', doc: 'off or notify.' },
];

/** Stable component GUIDs: the same property keeps its component across versions (clean upgrades). */
function componentGuid(property: string): string {
  const h = createHash('sha256').update(`sealwire-msi-managed:${property}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const MSI_COMPONENT_GROUP = 'SealwireManagedConfiguration';

/** The WiX fragment the electron-builder hook (build/msi-project.cjs) adds to the MSI project. */
export function renderMsiFragment(): string {
  const lines = ['<!-- Generated from the managed-key schema by build/managed/generate.ts; do not edit. -->', '<Fragment>'];
  for (const p of MSI_PROPERTIES) lines.push(`  <Property Id="${p.property}" Secure="yes" />`);
  lines.push(`  <ComponentGroup Id="${MSI_COMPONENT_GROUP}" Directory="TARGETDIR">`);
  for (const p of MSI_PROPERTIES) {
    if (!Object.hasOwn(MANAGED_KEYS, p.key)) throw new Error(`MSI property ${p.property} names no managed key`);
    lines.push(`    <!-- ${escapeXml(p.doc)} -->`);
    lines.push(`    <Component Id="Managed${p.property}" Guid="{${componentGuid(p.property)}}" Win64="yes">`);
    lines.push(`      <Condition>${p.property}</Condition>`);
    if (p.form === 'pem') {
      lines.push(`      <RegistryValue Root="HKLM" Key="${escapeXml(REGISTRY_KEY)}" Name="${p.key}" Type="multiString" Action="write" KeyPath="yes">`);
      lines.push('        <MultiStringValue>-----BEGIN CERTIFICATE-----</MultiStringValue>');
      lines.push(`        <MultiStringValue>[${p.property}]</MultiStringValue>`);
      lines.push('        <MultiStringValue>-----END CERTIFICATE-----</MultiStringValue>');
      lines.push('      </RegistryValue>');
    } else {
      lines.push(`      <RegistryValue Root="HKLM" Key="${escapeXml(REGISTRY_KEY)}" Name="${p.key}" Type="string" Value="[${p.property}]" KeyPath="yes" />`);
    }
    lines.push('    </Component>');
  }
  lines.push('  </ComponentGroup>', '</Fragment>', '');
  return lines.join('\n');
}
