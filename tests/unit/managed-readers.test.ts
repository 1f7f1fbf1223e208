import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeManaged } from '../../electron/core/policy/merge.ts';
import { MANAGED_PREFERENCES_FILE, parsePlistXml, parsePlutilJson } from '../../electron/core/policy/macos-preferences.ts';
import { parseRegQuery } from '../../electron/core/policy/windows-registry.ts';
import { APP_ID } from '../../electron/core/shell/window.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'managed');
const bytes = (name: string) => fs.readFileSync(path.join(fixtures, name));
const layerOf = (read: { ok: boolean; layer?: unknown }) => (read.ok ? read.layer : undefined);

describe('Windows: reg query output', () => {
  it('reads HKLM: REG_SZ, REG_DWORD, REG_MULTI_SZ, case-insensitive names; odd values go to the merge', () => {
    const read = parseRegQuery(bytes('reg-query-hklm.txt'));
    expect(read).toEqual({
      ok: true,
      layer: {
        organisationName: 'Riverside Family Clinic',
        serverAddress: 'chat.riverside.example',
        allowedDomains: ['riverside.example', 'north.riverside.example'],
        adminAddresses: ['it-admin@riverside.example'],
        auditAddress: '',
        idleTimeoutMinutes: 5,
        maxSessionHours: 8,
        kiosk: false,
        contentProtection: true,
        minPasswordLength: 14,
        notificationContent: 'sender',
        clipboardClearSeconds: 'REG_BINARY:1E000000',
        attachmentTypes: ['application/pdf', 'image/png'],
        'Old Setting Name': 'yes',
        'Recommended\\presence': 1,
      },
    });
    const merged = mergeManaged({ machine: layerOf(read) });
    expect(merged.organisation.values.serverAddress).toBe('chat.riverside.example');
    expect(merged.policy.values).toMatchObject({ idleTimeoutMinutes: 5, maxSessionHours: 8, minPasswordLength: 14, notificationContent: 'none', clipboardClearSeconds: 60, presence: false });
    expect(merged.policy.refused).toEqual([
      { key: 'auditAddress', source: 'machine', reason: 'invalid' },
      // Showing the sender is looser than the default "none": not even machine policy loosens a security key.
      { key: 'notificationContent', source: 'machine', reason: 'looser' },
      { key: 'clipboardClearSeconds', source: 'machine', reason: 'invalid' },
      { key: '(unknown key)', source: 'machine', reason: 'unknown' },
      { key: 'Recommended\\presence', source: 'machine', reason: 'unknown' },
    ]);
  });

  it('reads HKCU captured as UTF-16LE (with and without a byte-order mark); HKCU only tightens', () => {
    const withBom = parseRegQuery(bytes('reg-query-hkcu-utf16le-bom.txt'));
    expect(parseRegQuery(bytes('reg-query-hkcu-utf16le-nobom.txt'))).toEqual(withBom);
    expect(layerOf(withBom)).toMatchObject({ idleTimeoutMinutes: 3, organisationName: 'Clínica Río — Ñandú', logLevel: 'error' });
    const merged = mergeManaged({ machine: layerOf(parseRegQuery(bytes('reg-query-hklm.txt'))), user: layerOf(withBom) });
    expect(merged.policy.values).toMatchObject({ idleTimeoutMinutes: 3, maxSessionHours: 8, logLevel: 'error' });
    expect(merged.organisation.values).toMatchObject({ serverAddress: 'chat.riverside.example', organisationName: 'Riverside Family Clinic' });
    expect(merged.policy.refused.filter((r) => r.source === 'user')).toEqual([
      { key: 'maxSessionHours', source: 'user', reason: 'looser' },
      { key: 'serverAddress', source: 'user', reason: 'looser' },
      { key: 'organisationName', source: 'user', reason: 'looser' },
    ]);
  });

  it('reports a missing key as absent and garbage as malformed, never throwing', () => {
    expect(parseRegQuery(bytes('reg-query-absent.txt'))).toEqual({ ok: false, reason: 'absent' });
    expect(parseRegQuery('')).toEqual({ ok: false, reason: 'absent' });
    expect(parseRegQuery('garbage\r\n')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseRegQuery('HKEY_LOCAL_MACHINE\\Software\\Policies\\Sealwire\r\nnot a value line\r\n')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseRegQuery(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('macOS: managed preferences', () => {
  const expected = {
    allowedDomains: ['riverside.example'],
    attachmentMaxMegabytes: 10,
    caCertificatePem: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2xpbmljQ0E=\n-----END CERTIFICATE-----\n',
    idleTimeoutMinutes: 5,
    kiosk: true,
    logLevel: 'verbose',
    printAllowed: false,
    quickUnlockHours: 4,
    readReceipts: true,
    serverAddress: 'chat.riverside.example',
    typingNotifications: true,
  };

  it('reads plutil JSON output and the XML plist alike; payload bookkeeping is skipped', () => {
    const json = parsePlutilJson(bytes('plutil-managed.json').toString('utf8'));
    const xml = parsePlistXml(bytes('managed-preferences.plist').toString('utf8'));
    expect(json).toEqual({ ok: true, layer: { ...expected, unknownFutureKey: true } });
    expect(xml).toEqual({ ok: true, layer: { ...expected, unknownFutureKey: 'data:AQID' } });
    const merged = mergeManaged({ machine: layerOf(xml) });
    expect(merged.policy.values).toMatchObject({ idleTimeoutMinutes: 5, kiosk: true, quickUnlockHours: 4, attachmentMaxMegabytes: 10, logLevel: 'info', readReceipts: true, typingNotifications: true });
    expect(merged.organisation.values.caCertificatePem).toContain('BEGIN CERTIFICATE');
    expect(merged.policy.refused).toEqual([
      { key: 'logLevel', source: 'machine', reason: 'invalid' },
      { key: 'unknownFutureKey', source: 'machine', reason: 'unknown' },
    ]);
  });

  it('reports malformed output without throwing', () => {
    for (const bad of ['', '[1]', 'null', '{"a":']) expect(parsePlutilJson(bad)).toEqual({ ok: false, reason: 'malformed' });
    for (const bad of ['', '<plist><dict><key>a</key>', '<plist><array/></plist>', 'bplist00']) expect(parsePlistXml(bad)).toEqual({ ok: false, reason: 'malformed' });
  });

  it("reads the app's own bundle id", () => {
    expect(MANAGED_PREFERENCES_FILE).toBe(`/Library/Managed Preferences/${APP_ID}.plist`);
  });
});
