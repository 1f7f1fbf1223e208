import type { Logger } from '../log/logger.ts';
import type { FormatMigrationEvent } from './encrypted-db.ts';

export interface MigrationReportDeps {
  /** Tells the screen an update is running (true) or over (false); the screen waits a second before saying so. */
  readonly updating?: (updating: boolean) => void;
  /** Appends to the audit trail; the entry names the file by its role only. */
  readonly record: (entry: { event: 'store.migrate'; staffId: null; targets: string[]; code: string }) => void;
  readonly log: Logger;
}

/**
 * What the composition does when an encrypted file converts to the current page format: the
 * person sees "updating your messages" (nothing more), the audit trail records it, the log keeps
 * only sizes and times.
 */
export function reportFormatMigration(target: 'store' | 'audit', deps: MigrationReportDeps): (event: FormatMigrationEvent) => void {
  return (event) => {
    if (event.phase === 'start') {
      deps.updating?.(true);
      return;
    }
    deps.updating?.(false);
    deps.log.info('store.format_migrated', { target, from: event.from, to: event.to, bytes: event.bytes, ms: Math.round(event.ms) });
    try {
      deps.record({ event: 'store.migrate', staffId: null, targets: [target], code: `${event.from}_to_${event.to}` });
    } catch (err) {
      // The conversion is done and durable either way; a trail that cannot be written is reported elsewhere.
      deps.log.warn('store.format_migration_unaudited', { target, error: err });
    }
  };
}
