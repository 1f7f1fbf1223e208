import type { Logger } from '../log/logger.ts';
import { readPolicyFile, LINUX_POLICY_FILE } from './linux-policy-file.ts';
import { MANAGED_PREFERENCES_FILE, parsePlistXml, parsePlutilJson, plutilArgs } from './macos-preferences.ts';
import type { LocalLayers } from './service.ts';
import { parseRegQuery, regQueryArgs } from './windows-registry.ts';

/**
 * The OS calls main makes for us (electron/main/managed-sources.ts): run a tool and hand back what
 * it printed on stdout, or null when it could not run or failed (an absent key or file is normal).
 */
export interface OsTools {
  run(command: string, args: readonly string[]): Uint8Array | null;
  readFile(file: string): string | null;
}

export interface OsSourceOptions {
  readonly platform: NodeJS.Platform;
  readonly tools: OsTools;
  readonly log: Logger;
  /** Linux: where the machine policy lives (tests point it at a temp file). */
  readonly linuxPolicyFile?: string;
  /** macOS: the managed preferences plist of the app's bundle id. */
  readonly macosPreferencesFile?: string;
}

/**
 * This machine's managed layers, read the way each platform's management tools write them:
 * Windows Group Policy/Intune into HKLM (machine) and HKCU (user, may only tighten); macOS MDM into
 * the managed preferences plist; Linux into /etc/sealwire/policy.json. A source that is present
 * but unreadable is reported (names only) and contributes nothing: the merge keeps the stricter
 * defaults, so a broken source never loosens anything.
 */
export function readOsLayers(o: OsSourceOptions): LocalLayers {
  switch (o.platform) {
    case 'win32':
      return { machine: registryLayer(o, 'HKLM'), user: registryLayer(o, 'HKCU') };
    case 'darwin':
      return { machine: preferencesLayer(o) };
    default: {
      const read = readPolicyFile(o.linuxPolicyFile ?? LINUX_POLICY_FILE);
      if (read.ok) return { machine: read.layer };
      if (read.reason !== 'absent') o.log.warn('policy.source_ignored', { source: 'policy_file', reason: read.reason });
      return {};
    }
  }
}

function registryLayer(o: OsSourceOptions, hive: 'HKLM' | 'HKCU'): Record<string, unknown> | undefined {
  const output = o.tools.run('reg', regQueryArgs(hive));
  // reg exits 1 with nothing on stdout when the key does not exist.
  if (output === null || output.byteLength === 0) return undefined;
  const read = parseRegQuery(output);
  if (read.ok) return read.layer;
  if (read.reason !== 'absent') o.log.warn('policy.source_ignored', { source: `registry_${hive.toLowerCase()}`, reason: read.reason });
  return undefined;
}

function preferencesLayer(o: OsSourceOptions): Record<string, unknown> | undefined {
  const file = o.macosPreferencesFile ?? MANAGED_PREFERENCES_FILE;
  const json = o.tools.run('plutil', plutilArgs(file));
  if (json !== null && json.byteLength > 0) {
    const read = parsePlutilJson(Buffer.from(json).toString('utf8'));
    if (read.ok) return read.layer;
  }
  // No plutil output: the file is absent, or plutil is missing; an XML plist can still be read.
  const xml = o.tools.readFile(file);
  if (xml === null) return undefined;
  const read = parsePlistXml(xml);
  if (read.ok) return read.layer;
  o.log.warn('policy.source_ignored', { source: 'managed_preferences', reason: read.reason });
  return undefined;
}
