import fs from 'node:fs';

/** Linux machine policy lives here (see build/managed/policy.example.json); Windows and macOS
 * sources are parsed by windows-registry.ts and macos-preferences.ts from their OS tools' output. */
export const LINUX_POLICY_FILE = '/etc/sealwire/policy.json';

export type MachinePolicyRead =
  | { ok: true; layer: unknown }
  | { ok: false; reason: 'absent' }
  | { ok: false; reason: 'unreadable' | 'malformed' };

/** Reads a JSON policy file once at start-up (it is tiny). Malformed is reported, never thrown. */
export function readPolicyFile(file: string = LINUX_POLICY_FILE): MachinePolicyRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { ok: false, reason: 'absent' } : { ok: false, reason: 'unreadable' };
  }
  if (text.length > 64 * 1024) return { ok: false, reason: 'malformed' };
  try {
    return { ok: true, layer: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
