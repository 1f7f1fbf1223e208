import { MANAGED_KEYS } from '../../shared/contract/policy.ts';

const keys = (): string[] => Object.keys(MANAGED_KEYS);

/** Keys without a `<policy name="…">` in the ADMX. */
export const admxMissingKeys = (admx: string): string[] => keys().filter((key) => !admx.includes(`<policy name="${key}" `));

/** Keys without a `<key>…</key>` in the configuration profile. */
export const mobileconfigMissingKeys = (profile: string): string[] => keys().filter((key) => !profile.includes(`<key>${key}</key>`));

/** Keys absent from the Linux example. */
export function linuxExampleMissingKeys(json: string): string[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return keys();
  }
  return keys().filter((key) => !Object.hasOwn(parsed, key));
}
