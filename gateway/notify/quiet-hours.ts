/**
 * Quiet hours: the clinic's policy names a daily window in its own time zone ("21:00"–"08:00",
 * "America/New_York") during which no patient's phone should buzz. A notification asked for inside
 * the window is queued until the window ends; this file only computes that instant.
 */
export interface QuietHours {
  /** "HH:MM", 24-hour clock, local to timeZone. */
  readonly start: string;
  /** "HH:MM"; earlier than start means the window crosses midnight. Equal to start: no quiet hours. */
  readonly end: string;
  /** IANA zone name, e.g. "Europe/Madrid". */
  readonly timeZone: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseMinutes(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(at: number, timeZone: string): Wall & { offsetMs: number } {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return { year, month, day, minutes: hour * 60 + minute, offsetMs: asUtc - (at - (at % 1000)) };
}

/** The instant at which the wall clock in timeZone reads the given local date and time. */
function instantOf(wall: Wall, timeZone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, Math.floor(wall.minutes / 60), wall.minutes % 60);
  const first = naive - wallClock(naive, timeZone).offsetMs;
  const second = naive - wallClock(first, timeZone).offsetMs;
  // Around a daylight-saving change the two guesses differ; inside a skipped hour neither reads
  // exactly the asked time. The later one never ends quiet hours early.
  return Math.max(first, second);
}

/**
 * When a notification asked for at `now` may be sent: null when now is outside quiet hours,
 * otherwise the end of the current window. Throws on a malformed policy (checked at start-up).
 */
export function quietHoursUntil(policy: QuietHours, now: Date): Date | null {
  const start = parseMinutes(policy.start);
  const end = parseMinutes(policy.end);
  if (start === null || end === null || !isValidTimeZone(policy.timeZone)) {
    throw new RangeError('quiet hours need "HH:MM" start and end and an IANA time zone');
  }
  if (start === end) return null;
  const wall = wallClock(now.getTime(), policy.timeZone);
  const m = wall.minutes;
  const inside = start < end ? m >= start && m < end : m >= start || m < end;
  if (!inside) return null;
  // The window ends today, unless it crosses midnight and we are in its evening part.
  const endsTomorrow = start > end && m >= start;
  const day = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + (endsTomorrow ? 1 : 0)));
  const until = instantOf(
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), minutes: end },
    policy.timeZone,
  );
  return new Date(Math.max(until, now.getTime()));
}
