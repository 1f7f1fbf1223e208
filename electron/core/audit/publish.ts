import type { Logger } from '../log/logger.ts';
import type { AuditHeadPayload } from './log.ts';

/**
 * Sends the chain head to the organisation's server (the messaging engine implements it: a
 * stanza in our namespace to an address from configuration). Resolves once the server took it.
 */
export interface HeadPublisher {
  publish(head: AuditHeadPayload): Promise<void>;
}

/** Timers as injected dependencies, so the schedule is testable with a fake clock. */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemIntervalTimers: IntervalTimers = {
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface HeadPublishingOptions {
  readonly head: () => AuditHeadPayload;
  readonly publisher: HeadPublisher;
  readonly intervalMs: number;
  readonly timers?: IntervalTimers;
  readonly log: Logger;
  /** Called with each head the server accepted, e.g. to keep it as a trusted head for verify. */
  readonly onPublished?: (head: AuditHeadPayload) => void;
}

export interface HeadPublishing {
  /** Publishes now if the head moved since the last accepted publication. */
  publishNow(): Promise<boolean>;
  stop(): void;
}

/**
 * Publishes the head on a fixed interval, only when it changed, never two at once.
 * Failures (offline) are logged and retried on the next tick.
 */
export function startHeadPublishing(options: HeadPublishingOptions): HeadPublishing {
  const timers = options.timers ?? systemIntervalTimers;
  let lastSent = '';
  let inFlight: Promise<boolean> | null = null;

  const publishNow = (): Promise<boolean> => {
    if (inFlight !== null) return inFlight;
    let head: AuditHeadPayload;
    try {
      head = options.head();
    } catch (err) {
      // The log closed under us (lock, sign-out): nothing to publish this tick.
      options.log.warn('audit.head_unavailable', { error: err });
      return Promise.resolve(false);
    }
    const key = `${head.seq}:${head.hash}`;
    if (key === lastSent) return Promise.resolve(false);
    inFlight = options.publisher
      .publish(head)
      .then(() => {
        lastSent = key;
        options.onPublished?.(head);
        return true;
      })
      .catch((err: unknown) => {
        options.log.warn('audit.head_publish_failed', { seq: head.seq, error: err });
        return false;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const handle = timers.setInterval(() => void publishNow(), options.intervalMs);
  return {
    publishNow,
    stop: () => timers.clearInterval(handle),
  };
}
