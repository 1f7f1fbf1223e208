import type { AuditHeadPayload } from '../audit/log.ts';
import type { HeadPublisher } from '../audit/publish.ts';
import type { ConnectionManager } from './manager.ts';
import { bareJid, NS_HINTS } from '../../../node-shared/xmpp/stanzas.ts';
import { el, NS_CLIENT, type XmlElement } from '../../../node-shared/xmpp/xml.ts';

export const NS_AUDIT = 'urn:sealwire:audit:0';

/**
 * The chain head as a message in our namespace. Why this shape:
 * - type 'normal', not 'headline': servers never archive headlines (XEP-0313 §5.1.1, Prosody's
 *   mod_mam) nor keep them for an offline recipient, and the point is that a copy lives outside
 *   this device, in the audit address's archive, where a rewritten local history shows up.
 * - no body (nothing for a chat client to show), so a `<store/>` hint (XEP-0334) asks the server to
 *   archive it anyway; a no-store/no-copy hint would defeat the purpose.
 * - only the device id, sequence number, hash and MAC: no staff id, no targets, nothing PHI.
 */
export function buildAuditHead(to: string, id: string, head: AuditHeadPayload): XmlElement {
  return el(
    'message',
    NS_CLIENT,
    { to, id, type: 'normal' },
    el('audit-head', NS_AUDIT, { device: head.deviceId, seq: String(head.seq), hash: head.hash, mac: head.mac }),
    el('store', NS_HINTS),
  );
}

export interface AuditHeadPublisherOptions {
  readonly manager: ConnectionManager;
  /** The organisation's audit address (configuration: OrganisationServer.auditJid). */
  readonly to: string;
  readonly newId: () => string;
  /** Give up waiting for the server's acknowledgement (the next publication retries). Default 60 s. */
  readonly ackTimeoutMs?: number;
}

/**
 * Publishes over the signed-in staff member's connection; resolves when stream management
 * (XEP-0198) says the server has the stanza, so a head counts as published only once it is
 * out of this device's hands. Rejects when offline or unacknowledged in time.
 */
export function createAuditHeadPublisher(options: AuditHeadPublisherOptions): HeadPublisher {
  const to = bareJid(options.to);
  const timeoutMs = options.ackTimeoutMs ?? 60_000;
  return {
    publish(head) {
      const id = options.newId();
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          off();
          if (err) reject(err);
          else resolve();
        };
        const off = options.manager.onAcked((stanzas) => {
          if (stanzas.some((s) => s.name === 'message' && s.attrs.id === id)) done();
        });
        const timer = setTimeout(() => done(new Error('audit-head-unacknowledged')), timeoutMs);
        timer.unref();
        if (!options.manager.send(buildAuditHead(to, id, head))) done(new Error('audit-head-offline'));
      });
    },
  };
}
