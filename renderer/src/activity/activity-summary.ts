import type { AuditEventType, AuditRecordView } from '../../../shared/contract/index.ts';
import type { en } from '../i18n/en.ts';

/** What a person filters "My activity" by; each kind is a set of audit events. */
export const ACTIVITY_KINDS = {
  signIn: ['auth.sign_in', 'auth.sign_out', 'auth.failed', 'auth.lockout', 'auth.pin_set', 'auth.pin_destroyed', 'auth.password_change', 'profile.create', 'session.lock', 'session.unlock', 'session.switch_user'],
  messages: ['conversation.list', 'conversation.open', 'conversation.read', 'message.send', 'room.join', 'room.leave'],
  files: ['attachment.view', 'attachment.save', 'attachment.send'],
  searches: ['search'],
  exports: ['export', 'audit.export', 'evidence.export'],
  device: ['policy.change', 'wipe.profile', 'wipe.device', 'key.rotate', 'admin.command', 'store.migrate', 'audit.checkpoint', 'audit.integrity', 'audit.acknowledge', 'messaging.rejected'],
} as const satisfies Record<string, readonly AuditEventType[]>;
export type ActivityKind = keyof typeof ACTIVITY_KINDS;
export const ACTIVITY_KIND_NAMES = Object.keys(ACTIVITY_KINDS) as ActivityKind[];

/** One line of the list: a run of the same action with the same result, newest first. */
export interface ActivityLine {
  readonly key: number;
  readonly event: AuditEventType;
  readonly outcome: AuditRecordView['outcome'];
  readonly time: number;
  /** How many records the line stands for (a screen looked at several times in a row is one line). */
  readonly count: number;
}

/** Consecutive records within this long of each other, with the same event and result, are one line. */
export const FOLD_WINDOW_MS = 10 * 60_000;

/** Records (newest first) as lines a person reads: one per action, repeats folded together. */
export function summarise(records: readonly AuditRecordView[]): ActivityLine[] {
  const lines: ActivityLine[] = [];
  for (const r of records) {
    const last = lines.at(-1);
    if (last !== undefined && last.event === r.event && last.outcome === r.outcome && last.time - r.time <= FOLD_WINDOW_MS) {
      // Newest first: the line keeps its newest time and counts the older repeat.
      lines[lines.length - 1] = { ...last, count: last.count + 1 };
      continue;
    }
    lines.push({ key: r.seq, event: r.event, outcome: r.outcome, time: r.time, count: 1 });
  }
  return lines;
}

/** The date inputs' values (local days, "YYYY-MM-DD") as the request's time range; the "to" day is included. */
export function timeRange(from: string, to: string): { fromTime?: number; toTime?: number } {
  const day = (value: string, plusDays: number): number | undefined => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m === null) return undefined;
    const time = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
    return Number.isFinite(time) && time >= 0 ? time : undefined;
  };
  const fromTime = day(from, 0);
  const toTime = day(to, 1);
  return { ...(fromTime === undefined ? {} : { fromTime }), ...(toTime === undefined ? {} : { toTime }) };
}

/** i18n keys cannot hold dots: 'auth.sign_in' is worded under auditEvent.auth_sign_in. */
type EventKey = keyof (typeof en)['auditEvent'];
export const eventKey = (event: AuditEventType) => event.replace('.', '_') as EventKey;
