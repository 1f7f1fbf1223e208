import { MANAGED_KEYS, type ManagedKey } from '../../../shared/contract/policy.ts';

/** What an OS source hands over: a registry string, number or multi-string, or a plist value. */
export type RawValue = string | number | boolean | readonly string[] | unknown;

const byLowerName = new Map<string, ManagedKey>(Object.keys(MANAGED_KEYS).map((key) => [key.toLowerCase(), key as ManagedKey]));

/** Registry value names are case-insensitive, so "IdleTimeoutMinutes" names `idleTimeoutMinutes`. */
export const managedKeyNamed = (name: string): ManagedKey | undefined => byLowerName.get(name.toLowerCase());

/**
 * Turns an OS-typed value into the type the key's schema expects where the conversion is
 * unambiguous (REG_DWORD 1 → true, "15" → 15, REG_MULTI_SZ → list). Anything else is passed on
 * unchanged so the merge refuses it as invalid and reports it: readers never decide validity.
 */
export function coerceValue(key: ManagedKey, value: RawValue): unknown {
  const spec = MANAGED_KEYS[key];
  switch (spec.kind) {
    case 'integer':
      if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
      return value;
    case 'boolean':
      if (value === 0 || value === 1) return value === 1;
      return value;
    case 'choice':
      return value;
    case 'text':
      // A PEM certificate arrives as REG_MULTI_SZ or a multi-line string; both are one text.
      if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.filter((line) => line !== '').join('\n');
      return value;
    case 'list':
      if (typeof value === 'string') return value.split(/[\s,;]+/).filter((item) => item !== '');
      if (Array.isArray(value)) return value.filter((item) => item !== '');
      return value;
  }
}

/** Builds a layer from named values: known names are coerced, unknown ones kept for the merge to report. */
export function layerFrom(entries: Iterable<readonly [string, RawValue]>): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    const key = managedKeyNamed(name);
    layer[key ?? name] = key === undefined ? value : coerceValue(key, value);
  }
  return layer;
}
