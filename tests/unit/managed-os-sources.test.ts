import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { managedServer, organisationConfig, withOrganisationTrust } from '../../electron/core/account/organisation.ts';
import type { OrganisationServer } from '../../electron/core/account/server.ts';
import { silentLogger } from '../../electron/core/log/logger.ts';
import { mergeManaged } from '../../electron/core/policy/merge.ts';
import { MANAGED_PREFERENCES_FILE } from '../../electron/core/policy/macos-preferences.ts';
import { readOsLayers, type OsTools } from '../../electron/core/policy/os-sources.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'managed');
const bytes = (name: string) => fs.readFileSync(path.join(fixtures, name));

/** What the OS tools printed on a real machine (captured outputs), keyed by the command line main runs. */
function captured(outputs: Record<string, Uint8Array | null>, files: Record<string, string> = {}): OsTools & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run(command, args) {
      const line = [command, ...args].join(' ');
      calls.push(line);
      return outputs[line] ?? null;
    },
    readFile: (file) => files[file] ?? null,
  };
}

describe('managed sources per platform (the calls main makes, parsed in core)', () => {
  it('Windows: reg query of HKLM is the machine layer, HKCU (UTF-16LE) the user layer', () => {
    const tools = captured({
      'reg query HKLM\\Software\\Policies\\Sealwire /s': bytes('reg-query-hklm.txt'),
      'reg query HKCU\\Software\\Policies\\Sealwire /s': bytes('reg-query-hkcu-utf16le-bom.txt'),
    });
    const layers = readOsLayers({ platform: 'win32', tools, log: silentLogger });
    expect(tools.calls).toEqual(['reg query HKLM\\Software\\Policies\\Sealwire /s', 'reg query HKCU\\Software\\Policies\\Sealwire /s']);
    const merged = mergeManaged(layers);
    expect(merged.organisation.values).toMatchObject({ serverAddress: 'chat.riverside.example', organisationName: 'Riverside Family Clinic' });
    expect(merged.policy.values).toMatchObject({ idleTimeoutMinutes: 3, maxSessionHours: 8 });
  });

  it('Windows: an absent key (reg exits 1, empty stdout) or reg missing gives no layer', () => {
    expect(readOsLayers({ platform: 'win32', tools: captured({}), log: silentLogger })).toEqual({ machine: undefined, user: undefined });
    const absent = captured({ 'reg query HKLM\\Software\\Policies\\Sealwire /s': bytes('reg-query-absent.txt') });
    expect(readOsLayers({ platform: 'win32', tools: absent, log: silentLogger }).machine).toBeUndefined();
  });

  it('macOS: plutil JSON of the managed preferences, else the XML plist itself', () => {
    const viaPlutil = captured({ [`plutil -convert json -o - ${MANAGED_PREFERENCES_FILE}`]: bytes('plutil-managed.json') });
    const a = readOsLayers({ platform: 'darwin', tools: viaPlutil, log: silentLogger });
    const viaFile = captured({}, { [MANAGED_PREFERENCES_FILE]: bytes('managed-preferences.plist').toString('utf8') });
    const b = readOsLayers({ platform: 'darwin', tools: viaFile, log: silentLogger });
    expect(a.machine).toBeDefined();
    // The same settings either way (a <data> value differs in form and is refused by the merge either way).
    const [ma, mb] = [mergeManaged(a), mergeManaged(b)];
    expect(mb.organisation.values).toEqual(ma.organisation.values);
    expect(mb.policy.values).toEqual(ma.policy.values);
    expect(readOsLayers({ platform: 'darwin', tools: captured({}), log: silentLogger })).toEqual({ machine: undefined });
  });
});

const base: OrganisationServer = {
  domain: 'riverside.example',
  host: '127.0.0.1',
  port: 15222,
  mode: 'starttls',
  ca: 'DEV-CA',
  adminJids: ['old-admin@riverside.example'],
  pinSha256: ['OLDPIN'],
  auditJid: 'old-audit@riverside.example',
};
const PIN = `sha256/${'A'.repeat(43)}=`;

describe('organisation settings reach the server and stored profiles', () => {
  const org = (layer: Record<string, unknown>) => {
    const m = mergeManaged({ machine: layer });
    return { values: m.organisation.values, managed: Object.values(m.organisation.sources).some((s) => s === 'machine') };
  };

  it('the managed server address is dialled as written (host:port), with the managed CA, pins, admins and audit address', () => {
    const o = org({ serverAddress: 'chat.riverside.example:5223', caCertificatePem: null, certificatePins: [PIN], adminAddresses: ['it@riverside.example'], auditAddress: 'audit@riverside.example' });
    expect(managedServer(o)).toEqual({ domain: 'chat.riverside.example', port: 5223, mode: 'directtls', pinSha256: ['A'.repeat(43) + '='], adminJids: ['it@riverside.example'], auditJid: 'audit@riverside.example' });
    expect(managedServer(org({}))).toBeUndefined();
    // A development host for the same domain keeps its dialling details (loopback host and port).
    expect(managedServer(org({ serverAddress: 'riverside.example' }), base)).toMatchObject({ host: '127.0.0.1', port: 15222, ca: 'DEV-CA' });
  });

  it('a profile copy takes the managed values now: removed admin, rotated pins, no stale CA', () => {
    const o = org({ allowedDomains: ['riverside.example'], adminAddresses: ['new-admin@riverside.example'] });
    const refreshed = withOrganisationTrust(base, o);
    expect(refreshed.adminJids).toEqual(['new-admin@riverside.example']);
    expect(refreshed.pinSha256).toBeUndefined();
    expect(refreshed.auditJid).toBeUndefined();
    // A CA recorded earlier is not kept on its own: without a managed CA, the system roots decide.
    expect(refreshed.ca).toBeUndefined();
    expect(withOrganisationTrust(base, org({}))).toBe(base);
    expect(organisationConfig(() => o, base).current(base)).toMatchObject({ ca: 'DEV-CA', adminJids: ['new-admin@riverside.example'] });
  });
});
