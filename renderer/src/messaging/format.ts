/** Today: the time; earlier: the date. The locale is the UI language, so Spanish reads as Spanish. */
export function formatWhen(time: number, language: string | undefined, now = Date.now()): string {
  const when = new Date(time);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  return new Intl.DateTimeFormat(language, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium' }).format(when);
}

export function formatFull(time: number, language: string | undefined): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(time));
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
