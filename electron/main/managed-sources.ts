import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { CoreOptions } from '../core/app.ts';
import type { Logger } from '../core/log/logger.ts';
import { readOsLayers, type OsSourceOptions, type OsTools } from '../core/policy/os-sources.ts';

/** Group Policy and MDM change settings while the app runs; Chrome re-reads about as often. */
export const MANAGED_REFRESH_MS = 15 * 60_000;

/**
 * The thin OS calls behind managed configuration: `reg query` on Windows, `plutil` on macOS, a
 * file read. Output is parsed in core (policy/os-sources.ts). A tool that fails (absent key,
 * missing file) gives null; nothing here throws.
 */
export const osTools: OsTools = {
  run(command, args) {
    try {
      return execFileSync(command, args, { timeout: 10_000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1024 * 1024 });
    } catch {
      return null;
    }
  },
  readFile(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
};

/** How main starts the core with this machine's managed configuration (the packaged-start test starts it the same way). */
export function managedCoreOptions(
  log: Logger,
  overrides: Partial<Pick<OsSourceOptions, 'platform' | 'linuxPolicyFile' | 'macosPreferencesFile'>> = {},
): Pick<CoreOptions, 'managedSources' | 'managedRefreshMs'> {
  return {
    managedSources: () => readOsLayers({ platform: process.platform, tools: osTools, log, ...overrides }),
    managedRefreshMs: MANAGED_REFRESH_MS,
  };
}
