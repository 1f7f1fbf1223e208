import { SaxesParser } from 'saxes';
import { layerFrom, type RawValue } from './coerce.ts';

/** MDM (Jamf, Intune) installs the profile's payload here for the app's bundle id. */
export const MANAGED_PREFERENCES_FILE = '/Library/Managed Preferences/health.sealwire.desktop.plist';
export const plutilArgs = (file: string = MANAGED_PREFERENCES_FILE): string[] => ['-convert', 'json', '-o', '-', file];

export type PreferencesRead = { ok: true; layer: Record<string, unknown> } | { ok: false; reason: 'malformed' };

// Payload bookkeeping a configuration profile may leave beside the settings: not settings, not reported.
const isPayloadKey = (key: string): boolean => /^Payload[A-Z]/.test(key);

function layerOf(dict: Record<string, unknown>): Record<string, unknown> {
  return layerFrom(Object.entries(dict).filter(([key]) => !isPayloadKey(key)));
}

/** Parses `plutil -convert json -o - <managed preferences plist>` output. */
export function parsePlutilJson(output: string): PreferencesRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'malformed' };
  return { ok: true, layer: layerOf(parsed as Record<string, unknown>) };
}

type Frame = { kind: 'dict'; value: Record<string, RawValue>; key: string | undefined } | { kind: 'array'; value: RawValue[] };

/** Parses the XML plist itself (for when plutil is unavailable); binary plists need plutil. */
export function parsePlistXml(xml: string): PreferencesRead {
  const parser = new SaxesParser();
  const stack: Frame[] = [];
  let root: Record<string, RawValue> | undefined;
  let textBuffer = '';
  const put = (value: RawValue) => {
    const top = stack.at(-1);
    if (top === undefined) return;
    if (top.kind === 'array') top.value.push(value);
    else if (top.key !== undefined) {
      top.value[top.key] = value;
      top.key = undefined;
    }
  };
  parser.on('opentag', (tag) => {
    textBuffer = '';
    if (tag.name === 'dict') stack.push({ kind: 'dict', value: {}, key: undefined });
    if (tag.name === 'array') stack.push({ kind: 'array', value: [] });
  });
  parser.on('text', (t) => {
    textBuffer += t;
  });
  parser.on('closetag', (tag) => {
    const body = textBuffer;
    textBuffer = '';
    switch (tag.name) {
      case 'dict':
      case 'array': {
        const frame = stack.pop();
        if (frame === undefined) return;
        if (stack.length === 0 && frame.kind === 'dict') root = frame.value;
        else put(frame.value);
        return;
      }
      case 'key': {
        const top = stack.at(-1);
        if (top?.kind === 'dict') top.key = body;
        return;
      }
      case 'string':
        return put(body);
      case 'integer':
        return put(/^-?\d{1,15}$/.test(body.trim()) ? Number(body.trim()) : body);
      case 'real':
        return put(Number(body.trim()));
      case 'true':
      case 'false':
        return put(tag.name === 'true');
      case 'data':
      case 'date':
        // Never a Sealwire setting: kept tagged so the merge refuses it as invalid.
        return put(`${tag.name}:${body.trim()}`);
      default:
        return;
    }
  });
  try {
    parser.write(xml.replace(/^\uFEFF/, '')).close();
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  return root === undefined ? { ok: false, reason: 'malformed' } : { ok: true, layer: layerOf(root) };
}
