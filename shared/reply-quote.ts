/** Quoted text at the start of a reply (XEP-0461's fallback, as plain "> " lines that any client shows). */
const QUOTE_LINES = 3;
const QUOTE_CHARS = 200;

/** "> " lines quoting `text` (its first lines, shortened), then a newline; the reply's own text follows. */
export function quoteOf(text: string): string {
  const lines = text.split('\n').slice(0, QUOTE_LINES);
  const shortened = lines.map((l) => (l.length > QUOTE_CHARS ? `${l.slice(0, QUOTE_CHARS)}…` : l));
  return `${shortened.map((l) => `> ${l}`).join('\n')}\n`;
}

/** How many characters at the start of a body are quote lines (what XEP-0428 marks as fallback). */
export function quotePrefixLength(body: string): number {
  let at = 0;
  while (body.startsWith('> ', at)) {
    const end = body.indexOf('\n', at);
    if (end === -1) return 0;
    at = end + 1;
  }
  return at;
}
