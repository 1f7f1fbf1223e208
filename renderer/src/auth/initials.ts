/**
 * Two letters for a name's avatar: first and last word, ignoring what is in brackets (a role such as
 * "Maria (front desk)" → "M", "Ana Rivera [nights]" → "AR") and anything that is not a letter.
 */
export function initials(name: string): string {
  const plain = name.replace(/\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?/g, ' ');
  const words = plain
    .split(/\s+/)
    .map((w) => w.match(/\p{L}/u)?.[0])
    .filter((c): c is string => c !== undefined);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters.join('').toLocaleUpperCase();
}
