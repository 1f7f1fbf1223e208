/** The largest time a Date can hold (±100,000,000 days from 1970), in ms. */
const MAX_TIME = 8.64e15;

/** A Date for a time from the store or the wire, or null when it cannot be shown (NaN, ±Infinity, out of range). */
export function dateOf(time: number): Date | null {
  if (!Number.isFinite(time) || Math.abs(time) > MAX_TIME) return null;
  const when = new Date(time);
  return Number.isNaN(when.getTime()) ? null : when;
}

/** Intl throws on some inputs and locales; a time that cannot be worded is shown as unknown, never a crash. */
function worded(time: number, language: string | undefined, options: (when: Date) => Intl.DateTimeFormatOptions): string | null {
  const when = dateOf(time);
  if (when === null) return null;
  try {
    return new Intl.DateTimeFormat(language, options(when)).format(when);
  } catch {
    return null;
  }
}

/** Today: the time; earlier: the date. The locale is the UI language, so Spanish reads as Spanish. null: unknown. */
export function formatWhen(time: number, language: string | undefined, now = Date.now()): string | null {
  return worded(time, language, (when) => (new Date(now).toDateString() === when.toDateString() ? { timeStyle: 'short' } : { dateStyle: 'medium' }));
}

/** A day separator's words ("Tuesday, 1 December 2026" in the UI language); null: unknown. */
export function formatDay(time: number, language: string | undefined): string | null {
  return worded(time, language, () => ({ dateStyle: 'full' }));
}

/** Date and time in full; null: unknown. */
export function formatFull(time: number, language: string | undefined): string | null {
  return worded(time, language, () => ({ dateStyle: 'medium', timeStyle: 'medium' }));
}

/** The machine-readable form for <time dateTime>, or undefined when the time cannot be shown. */
export function isoOf(time: number): string | undefined {
  try {
    return dateOf(time)?.toISOString();
  } catch {
    return undefined;
  }
}

/**
 * A file size in the UI language: bytes spelled out, larger sizes in kB/MB (of 1024, as the file
 * managers on clinic PCs count them, so the 25 MB limit reads as 25 MB) with one decimal.
 */
export function formatSize(bytes: number, language: string | undefined): string {
  if (bytes < 1024) return new Intl.NumberFormat(language, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
  const [unit, value] = bytes < 1024 * 1024 ? (['kilobyte', bytes / 1024] as const) : (['megabyte', bytes / (1024 * 1024)] as const);
  return new Intl.NumberFormat(language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}
