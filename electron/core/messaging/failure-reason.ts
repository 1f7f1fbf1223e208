import type { FailureReason } from '../store/store.ts';
import { childText, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** RFC 6120 §8.3.3 conditions that mean "nobody by that address". */
const NO_SUCH = new Set(['item-not-found', 'service-unavailable', 'recipient-unavailable', 'remote-server-not-found', 'jid-malformed', 'gone', 'redirect']);
const REFUSED = new Set(['forbidden', 'not-allowed', 'not-authorized', 'policy-violation', 'registration-required', 'subscription-required', 'not-acceptable']);

/**
 * Why the server finally refused one of our messages (its `<error/>` child), in one of the few
 * reasons the screen explains in plain words. The server's own text is read only to recognise a
 * size limit and never kept: it is the server's, not ours to show.
 */
export function failureReasonOf(error: XmlElement | undefined): FailureReason {
  if (error === undefined) return 'server_error';
  const conditions = error.children.flatMap((c) => (typeof c !== 'string' && c.xmlns === NS_STANZAS && c.name !== 'text' ? [c.name] : []));
  const text = childText(error, 'text', NS_STANZAS) ?? '';
  if (conditions.includes('resource-constraint') || /too (big|large|long)|size/i.test(text)) return 'too_large';
  if (conditions.some((c) => NO_SUCH.has(c))) return 'no_such_recipient';
  if (conditions.some((c) => REFUSED.has(c))) return 'refused';
  return 'server_error';
}
