import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';
import type { SignInLimiter } from './limiter.ts';

/** Where the sign-in limiter's counters live between runs, so a restart does not reset them. */
export function attemptsFile(dataDir: string): string {
  return path.join(dataDir, 'session', 'attempts.json');
}

/** Restores saved counters into `limiter`; a missing file is a fresh device, anything else is logged. */
export function restoreAttempts(limiter: SignInLimiter, file: string, log: Logger): void {
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { profile?: unknown; device?: unknown };
    if (saved.profile) limiter.profile.restore(saved.profile as never);
    if (saved.device) limiter.device.restore(saved.device as never);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('session.attempts_unreadable', { error: err });
  }
}

/** Saves the counters atomically; a failed save is logged (the in-memory limits still hold). */
export function saveAttempts(limiter: SignInLimiter, file: string, log: Logger): Promise<void> {
  return writeFileAtomic(file, JSON.stringify({ profile: limiter.profile.snapshot(), device: limiter.device.snapshot() })).catch((err: unknown) =>
    log.warn('session.attempts_not_saved', { error: err }),
  );
}
