/** Quick replies in the composer: which match what follows "/", and where the first placeholder is. Pure (unit-tested). */
export interface Reply {
  readonly text: string;
  readonly source: 'organisation' | 'personal';
}

/** The composer is asking for quick replies: its text starts with "/" and has no line break yet. */
export function slashQuery(body: string): string | null {
  return body.startsWith('/') && !body.includes('\n') ? body.slice(1) : null;
}

export function matching(replies: readonly Reply[], query: string): Reply[] {
  const q = query.trim().toLocaleLowerCase();
  return q === '' ? [...replies] : replies.filter((r) => r.text.toLocaleLowerCase().includes(q));
}

/** The first "{placeholder}" in a reply, to select after inserting it (typing replaces it); null when none. */
export function firstPlaceholder(text: string): { start: number; end: number } | null {
  const match = /\{[^{}\n]{1,40}\}/.exec(text);
  return match === null ? null : { start: match.index, end: match.index + match[0].length };
}
