/**
 * Template placeholders. A template says "{name}, your appointment is on {date} at {time}"; the
 * patient's first name is filled in when the template is picked, the rest is typed by staff, and
 * a message still holding a placeholder is not sent (the patient would read "{date}").
 */
export const PLACEHOLDER = /\{(name|date|time|minutes|clinic|phone|documents)\}/g;

export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? '';
}

/** The template's text with what is known filled in. */
export function applyTemplate(text: string, known: { name?: string; clinic?: string }): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    if (key === 'name' && known.name) return firstName(known.name);
    if (key === 'clinic' && known.clinic) return known.clinic;
    return whole;
  });
}

/** Placeholders still in a message, in order, each once ("{date}", "{time}"). */
export function unfilled(text: string): string[] {
  return [...new Set(text.match(PLACEHOLDER) ?? [])];
}
