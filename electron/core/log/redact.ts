/**
 * The single redaction step every log transport passes through (installed as an electron-log hook).
 *
 * Core logs an event code plus fields. Field values are kept only under keys known to carry
 * operational data (ids, codes, counts); any other string is dropped whole, because no pattern can
 * recognise every name or message body. Text that is kept (event codes, allowlisted fields, error
 * messages) still has PHI-shaped substrings masked, as defence in depth.
 */

/** Keys whose values are always removed, whatever their type. */
const SECRET_KEYS = /^(body|text|content|message|msg|subject|preview|snippet|draft|query|term|search|name|displayname|first_?name|last_?name|full_?name|patient.*|mrn|dob|birth.*|phone|mobile|email|address|jid|password|passphrase|pin|secret|token|key|db_?key|authorization|cookie|note|notes|filename|file_?name|title)$/i;

/** Keys whose string values are operational and kept (after pattern masking). */
const SAFE_KEYS = /^(event|method|code|kind|state|from_?state|to_?state|reason|outcome|status|level|transport|phase|module|op|mode|runtime|platform|version|issues|count|port|ms|seq|attempt|attempts|size|bytes|id|ids|profile_?id|conversation_?id|message_?id|client_?id|device_?id|stanza_?id|room_?id|error_?code|errno|syscall|type|stack)$/i;

const MAX_DEPTH = 4;
const MAX_ITEMS = 50;
const MAX_TEXT = 2_000;

type Rule = readonly [RegExp, string];

const RULES: readonly Rule[] = [
  // Secrets written as key=value or key: value.
  [/\b(password|passwd|pwd|pin|token|secret|api[_-]?key|authorization|bearer|session|cookie)\b(\s*[:=]\s*|\s+)("[^"]*"|'[^']*'|\S+)/gi, '$1$2[secret]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [secret]'],
  // Emails and XMPP addresses.
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+(?:\.[A-Za-z]{2,}|\b)(?:\/[^\s"']*)?/g, '[address]'],
  // Dates (ISO, US, European, written month).
  [/\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/g, '[date]'],
  [/\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b/g, '[date]'],
  [/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b/gi, '[date]'],
  [/\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b/gi, '[date]'],
  // Labelled identifiers (MRN, SSN, DOB, patient ids) with whatever follows.
  [/\b(mrn|medical record(?: number)?|patient(?: id| no\.?| number)?|ssn|dob|date of birth|insurance(?: id)?|member id)\b\s*[:#=]?\s*[A-Za-z-]*\d[A-Za-z0-9-]*/gi, '$1 [id]'],
  // Long secrets: hex and base64/base64url runs.
  [/\b[A-Fa-f0-9]{20,}\b/g, '[secret]'],
  // (mixed case plus a digit, so long event codes such as 'connection_state_changed' survive)
  [/(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Z])(?=[A-Za-z0-9+/_-]*[a-z])[A-Za-z0-9+/_-]{20,}={0,2}/g, '[secret]'],
  // Phone numbers: 7+ digits with common separators, optional country code.
  [/(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b/g, '[phone]'],
  // Any remaining run of 6+ digits (MRNs, account numbers).
  [/\b[A-Za-z]{0,3}\d{6,}\b/g, '[id]'],
  // Names: honorifics, keyword-introduced names, and runs of capitalised words.
  [/\b([Mm]rs?|[Mm]s|[Mm]iss|[Dd]r|[Pp]rof)\.?\s+[A-Z][\p{L}'’-]+(?:\s+[A-Z][\p{L}'’-]+)*/gu, '[name]'],
  [/\b(patient|name|pt|for|from|to)\b(:?\s+)[A-Z][\p{L}'’-]+(?:\s+[A-Z][\p{L}'’-]+)*/gu, '$1$2[name]'],
  [/\b[A-Z][\p{L}'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\p{L}'’-]+)+/gu, '[name]'],
];

/** Opaque random ids (profile, conversation, message) help debugging and carry no PHI. */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export function redactText(input: string): string {
  let text = input.length > MAX_TEXT ? `${input.slice(0, MAX_TEXT)}…` : input;
  const kept: string[] = [];
  text = text.replace(/\uE000/g, '').replace(UUID, (id) => `\uE000${kept.push(id) - 1}\uE000`);
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text.replace(/\uE000(\d+)\uE000/g, (_, i: string) => kept[Number(i)] ?? '');
}

function redactError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { error: err.name, message: redactText(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = redactText(String(code));
  // Stack frames are code locations; the first line repeats the message, which was masked above.
  if (err.stack) out.stack = err.stack.split('\n').slice(1, 8).map((l) => redactText(l.trim())).join(' | ');
  if (err.cause !== undefined && depth < MAX_DEPTH) out.cause = redactValue(err.cause, 'cause', depth + 1, seen);
  return out;
}

function redactValue(value: unknown, key: string | null, depth: number, seen: WeakSet<object>): unknown {
  if (key !== null && SECRET_KEYS.test(key)) return value === null || value === undefined ? value : '[redacted]';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return value;
    case 'string':
      return key === null || SAFE_KEYS.test(key) ? redactText(value) : '[redacted]';
    case 'symbol':
    case 'function':
      return `[${typeof value}]`;
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[circular]';
  seen.add(obj);
  if (depth >= MAX_DEPTH) return '[nested]';
  if (obj instanceof Error) return redactError(obj, depth, seen);
  if (obj instanceof Date) return '[date]';
  if (Buffer.isBuffer(obj) || ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return '[bytes]';
  if (Array.isArray(obj)) {
    const items = obj.slice(0, MAX_ITEMS).map((item) => redactValue(item, key, depth + 1, seen));
    if (obj.length > MAX_ITEMS) items.push(`[+${obj.length - MAX_ITEMS} more]`);
    return items;
  }
  if (obj instanceof Map || obj instanceof Set) return `[${obj.constructor.name}:${obj.size}]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj).slice(0, MAX_ITEMS)) out[k] = redactValue(v, k, depth + 1, seen);
  return out;
}

/**
 * Redacts one log call's arguments. The first string is the event code (written by a developer),
 * masked by pattern; later strings are free data and are dropped unless they sit under a safe key.
 */
export function redactArgs(args: unknown[]): unknown[] {
  const seen = new WeakSet<object>();
  return args.map((arg, index) =>
    typeof arg === 'string' ? (index === 0 ? redactText(arg) : '[redacted]') : redactValue(arg, null, 0, seen),
  );
}
