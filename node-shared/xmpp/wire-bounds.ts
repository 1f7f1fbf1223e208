/**
 * Everything a peer sends is bounded here before it reaches the store: text to the contract's
 * lengths, without control characters, bidi overrides or lone UTF-16 surrogates; times to what the
 * server (or our own clock) says.
 */

/** The contract's limits (shared/contract/conversations.ts and messaging.ts) for wire fields. */
export const LIMITS = {
  body: 10_000,
  patientTag: 100,
  id: 200,
  fileName: 255,
  mime: 127,
  url: 2_000,
  jid: 3_071,
  nick: 100,
  displayName: 1_024,
  role: 40,
} as const;

// C0/C1 controls except tab and newline (kept in bodies only), and the bidi embedding, override
// and isolate controls that can make a name or file name read differently than it is.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LINE_BREAKS = /[\t\n]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

/** Clip to `max` UTF-16 units without cutting a surrogate pair in two. */
function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return value.slice(0, end);
}

/**
 * Bounded, well-formed text: lone surrogates become U+FFFD, controls and bidi overrides are
 * removed; a single-line field also turns tabs and newlines into spaces. Clipped first (on a
 * 10 MB body the clean-up then costs nothing) and again after.
 */
export function wireText(value: string, max: number, multiline = false): string {
  let out = clip(value, max * 2).toWellFormed().replace(CONTROLS, '').replace(BIDI, '');
  if (!multiline) out = out.replace(LINE_BREAKS, ' ');
  return clip(out, max);
}

/** As wireText, but empty (after clean-up) means absent. */
export function wireField(value: string | undefined | null, max: number): string | null {
  if (value === undefined || value === null) return null;
  const out = wireText(value, max).trim();
  return out === '' ? null : out;
}

/** How far a sender's clock may be from the server's (or ours) before we ignore it. */
export const CLOCK_SKEW_MS = 2 * 60_000;
/** How long our server may have held a message for us while we were offline. */
export const OFFLINE_HOLD_MS = 7 * 24 * 3_600_000;

/**
 * The time a message is dated and ordered by. The reference is the server's stamp (an archive
 * result's, or the delay our own server adds when it held the message offline) or, failing that,
 * the time we received it; the sender's stated time is kept only when it is within the clock skew
 * of that reference. Nothing a sender says can date a message into the future or far into the past.
 */
export function messageTime(senderTime: number | null, serverStamp: number | null, receivedAt: number): number {
  const stamp = serverStamp !== null && serverStamp > 0 && serverStamp <= receivedAt + CLOCK_SKEW_MS ? serverStamp : null;
  const reference = stamp ?? receivedAt;
  if (senderTime !== null && Number.isFinite(senderTime) && Math.abs(senderTime - reference) <= CLOCK_SKEW_MS) return Math.round(senderTime);
  return Math.round(reference);
}

/**
 * A live message's delay stamp counts as the server's only when our own server added it (it held
 * the message while we were offline) and it is no older than a server would hold one.
 */
export function offlineStamp(delay: { stamp: number; from: string } | null, serverDomain: string, receivedAt: number): number | null {
  if (delay === null || delay.from !== serverDomain) return null;
  return delay.stamp >= receivedAt - OFFLINE_HOLD_MS && delay.stamp <= receivedAt + CLOCK_SKEW_MS ? delay.stamp : null;
}
