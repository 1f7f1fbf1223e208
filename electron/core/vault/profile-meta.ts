import fs from 'node:fs/promises';
import { z } from 'zod';

export const PROFILE_FORMAT_VERSION = 1;
export const DISPLAY_NAME_MAX = 64;

/** profile.json: PHI-free facts the sign-in screen needs before any key is unwrapped. */
export const ProfileMeta = z.strictObject({
  formatVersion: z.literal(PROFILE_FORMAT_VERSION),
  id: z.uuid(),
  /** Chosen by the staff member (e.g. "Front desk - Sam"); not patient information. */
  displayName: z.string().min(1).max(DISPLAY_NAME_MAX),
  createdAt: z.number().int().nonnegative(),
});
export type ProfileMeta = z.infer<typeof ProfileMeta>;

/** Trims and refuses control characters, so a name cannot spoof lines on the sign-in screen. */
export function cleanDisplayName(name: string): string | null {
  const normal = name.normalize('NFC');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(normal)) return null;
  const trimmed = normal.trim().replace(/ {2,}/g, ' ');
  if (trimmed.length === 0 || [...trimmed].length > DISPLAY_NAME_MAX) return null;
  return trimmed;
}

export async function readProfileMeta(file: string): Promise<ProfileMeta | null> {
  try {
    const text = await fs.readFile(file, 'utf8');
    const parsed = ProfileMeta.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
