/** Today: the time; earlier: the date. The locale is the UI language, so Spanish reads as Spanish. */
export function formatWhen(time: number, language: string | undefined, now = Date.now()): string {
  const when = new Date(time);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  return new Intl.DateTimeFormat(language, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium' }).format(when);
}

export function formatFull(time: number, language: string | undefined): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(time));
}
