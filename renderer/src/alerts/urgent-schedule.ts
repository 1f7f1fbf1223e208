/**
 * When an unacknowledged urgent message repeats its notification: at once when it arrives, then
 * every `everyMs` until `forMs` after it came (issue 11's defaults: every 2 minutes for 20). Pure,
 * so a fake clock tests it (tests/unit/renderer-alerts.test.ts).
 */
export interface Repeats {
  /** Message id → when its notification last went out. */
  readonly last: ReadonlyMap<number, number>;
}

export interface PendingAlert {
  readonly messageId: number;
  /** When it reached this computer (its sent time, bounded by the core to the server's clock). */
  readonly sentAt: number;
}

/** The alerts whose notification is due now, and the updated record of when each went out. */
export function dueAlerts(
  pending: readonly PendingAlert[],
  repeats: Repeats,
  now: number,
  everyMs: number,
  forMs: number,
): { due: number[]; repeats: Repeats } {
  const last = new Map<number, number>();
  const due: number[] = [];
  for (const p of pending) {
    const previous = repeats.last.get(p.messageId);
    // First seen: notify once (also when it came long ago, as on a new computer catching up);
    // then again every `everyMs` while within `forMs` of its arrival.
    if (previous === undefined || (now - p.sentAt < forMs && now - previous >= everyMs)) {
      due.push(p.messageId);
      last.set(p.messageId, now);
    } else last.set(p.messageId, previous);
  }
  // Acknowledged alerts drop out of `pending`, so they drop out of the record too.
  return { due, repeats: { last } };
}

export const NO_REPEATS: Repeats = { last: new Map() };
