import { layerFrom, type RawValue } from './coerce.ts';
import { decodeToolOutput } from './os-output.ts';

/** Where Group Policy (build/managed/sealwire.admx) writes; HKCU may only tighten what HKLM sets. */
export const REGISTRY_KEY = 'Software\\Policies\\Sealwire';
export const regQueryArgs = (hive: 'HKLM' | 'HKCU'): string[] => ['query', `${hive}\\${REGISTRY_KEY}`, '/s'];

export type RegistryRead = { ok: true; layer: Record<string, unknown> } | { ok: false; reason: 'absent' | 'malformed' };

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

function parseData(type: string, data: string): RawValue {
  switch (type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      return /^0x[0-9a-f]{1,16}$/i.test(data) ? Number.parseInt(data, 16) : data;
    case 'REG_MULTI_SZ':
      // reg query shows the NUL separators as the two characters "\0".
      return data === '' ? [] : data.split('\\0');
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return data;
    default:
      // REG_BINARY and friends are never a Sealwire setting: kept as text so the merge refuses them.
      return `${type}:${data}`;
  }
}

/**
 * Parses `reg query <hive>\Software\Policies\Sealwire /s` output. Values under a subkey keep the
 * subkey in their name ("Sub\Name") so the merge reports them as unknown instead of dropping them.
 */
export function parseRegQuery(output: string | Uint8Array): RegistryRead {
  const lines = decodeToolOutput(output).split(/\r?\n/);
  let root: string | undefined;
  let prefix = '';
  const entries: Array<[string, RawValue]> = [];
  for (const line of lines) {
    if (line.trim() === '' || /^End of search/i.test(line)) continue;
    if (/^HKEY_[A-Z_]+\\/i.test(line)) {
      const header = line.trimEnd();
      root ??= header;
      if (!header.toLowerCase().startsWith(root.toLowerCase())) return { ok: false, reason: 'malformed' };
      prefix = header.length > root.length ? `${header.slice(root.length + 1)}\\` : '';
      continue;
    }
    if (root === undefined) {
      // "ERROR: The system was unable to find the specified registry key or value."
      if (/^ERROR:/i.test(line)) return { ok: false, reason: 'absent' };
      return { ok: false, reason: 'malformed' };
    }
    const match = VALUE_LINE.exec(line.replace(/\r$/, ''));
    if (match === null) return { ok: false, reason: 'malformed' };
    const [, name = '', type = '', data = ''] = match;
    if (name === '(Default)') continue;
    entries.push([`${prefix}${name}`, parseData(type, data.trimEnd())]);
  }
  if (root === undefined) return { ok: false, reason: 'absent' };
  return { ok: true, layer: layerFrom(entries) };
}
