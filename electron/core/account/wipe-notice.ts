import fs from 'node:fs';
import path from 'node:path';

/**
 * "This device was wiped by your organisation": a marker in the data folder (a time, nothing
 * else) written after a remote wipe, so the sign-in screen can say so even after a restart.
 * The next profile created on the device clears it.
 */
export interface WipeNotice {
  shown(): boolean;
  record(now: number): void;
  clear(): void;
}

export function wipeNotice(dataDir: string): WipeNotice {
  const file = path.join(dataDir, 'wiped-by-organisation');
  return {
    shown: () => fs.existsSync(file),
    record(now) {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, new Date(now).toISOString(), { mode: 0o600 });
    },
    clear() {
      fs.rmSync(file, { force: true });
    },
  };
}
