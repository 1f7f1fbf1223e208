import { randomUUID } from 'node:crypto';
import type { AuditHead } from '../../../shared/contract/audit.ts';
import type { AuditHeadPayload, AuditLog } from '../audit/log.ts';
import { startHeadPublishing, systemIntervalTimers, type HeadPublishing, type IntervalTimers } from '../audit/publish.ts';
import type { Logger } from '../log/logger.ts';
import { createAuditHeadPublisher, type MessagingSession } from '../messaging/index.ts';

const AUDIT_HEAD_INTERVAL_MS = 15 * 60_000;

export interface AuditHeadPublishing {
  /** Starts sending the chain head to `auditJid` over this staff member's connection. */
  startFor(messaging: MessagingSession, auditJid: string | undefined): void;
  stop(): void;
  /** Publish now (false when not publishing, offline, or unchanged since the last one). */
  publishNow(): Promise<boolean>;
}

/** The audit chain head goes to the organisation's audit address every interval and on every new session. */
export function createAuditHeadPublishing(deps: {
  log: Logger;
  audit: () => AuditLog | null;
  /** Each head the server accepted: kept by the trail (outside the file) and checked at every open. */
  onAcknowledged: (head: AuditHead) => void;
  intervalMs?: number;
}): AuditHeadPublishing {
  const { log } = deps;
  let current: { publishing: HeadPublishing; off: () => void } | null = null;

  // startHeadPublishing reads the head inside its timer: a closed audit log must be logged, not thrown.
  const guardedTimers: IntervalTimers = {
    setInterval: (fn, ms) =>
      systemIntervalTimers.setInterval(() => {
        try {
          fn();
        } catch (err) {
          log.warn('audit.head_publish_failed', { error: err });
        }
      }, ms),
    clearInterval: (handle) => systemIntervalTimers.clearInterval(handle),
  };
  const guardedPublish = (publishing: HeadPublishing): Promise<boolean> => {
    try {
      return publishing.publishNow();
    } catch (err) {
      log.warn('audit.head_publish_failed', { error: err });
      return Promise.resolve(false);
    }
  };

  return {
    startFor(messaging, auditJid) {
      if (auditJid === undefined || auditJid === '' || deps.audit() === null) return;
      const publishing = startHeadPublishing({
        // The trail may be reopened (its file changed under it): always the current one.
        head: () => {
          const audit = deps.audit();
          if (audit === null) throw new Error('audit trail closed');
          return audit.head();
        },
        publisher: createAuditHeadPublisher({ manager: messaging.manager, to: auditJid, newId: randomUUID }),
        intervalMs: deps.intervalMs ?? AUDIT_HEAD_INTERVAL_MS,
        timers: guardedTimers,
        log,
        onPublished: (head: AuditHeadPayload) => {
          deps.onAcknowledged({ seq: head.seq, hash: head.hash });
          log.info('audit.head_published', { seq: head.seq });
        },
      });
      // Also on every new session, not only every interval: a head older than the interval is the window an attacker gets.
      const off = messaging.manager.onOnline((info) => {
        if (!info.resumed) void guardedPublish(publishing);
      });
      current = { publishing, off };
    },
    stop() {
      current?.off();
      current?.publishing.stop();
      current = null;
    },
    publishNow: () => (current === null ? Promise.resolve(false) : guardedPublish(current.publishing)),
  };
}
