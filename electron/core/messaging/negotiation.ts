import type tls from 'node:tls';
import { authenticate, type NegotiationIo } from './sasl.ts';
import type { ScramKeys } from './scram.ts';
import type { Credentials, ServerConfig } from './server-config.ts';
import { NS_SM, type SmState } from './stream-management.ts';
import { child, el, NS_CLIENT, text, type XmlElement } from '../../../node-shared/xmpp/xml.ts';
import { XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';

export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';

export interface NegotiationSteps extends NegotiationIo {
  /** Open (or re-open) the XML stream; resolves with the server's features. */
  restart(): Promise<XmlElement>;
  /** The TLS socket once the transport is secure (direct TLS, or after STARTTLS). */
  tlsSocket(): tls.TLSSocket | undefined;
  startTls(): Promise<void>;
  /** The server acknowledged stanzas up to h (SM resume, or a failed resume's last count). */
  ack(h: string | undefined): void;
}

export interface Negotiated {
  readonly jid: string;
  readonly mechanism: string;
  /** XEP-0198 resumed the previous session (the caller resends what is still unacknowledged). */
  readonly resumed: boolean;
  /** Stream management is active on this stream. */
  readonly sm: boolean;
  /** Stanzas that arrived before <enabled/>: held, never counted, delivered once online. */
  readonly held: readonly XmlElement[];
  /** After a password sign-in with SCRAM: the keys later sign-ins use instead of the password. */
  readonly keys?: ScramKeys;
}

/**
 * Everything between the TCP connection and a usable session: STARTTLS (never a plaintext
 * fallback), SASL, then either an SM resume or bind (+ legacy session) and SM enable.
 */
export async function negotiate(
  io: NegotiationSteps,
  server: ServerConfig,
  credentials: Credentials,
  sm: SmState,
): Promise<Negotiated> {
  let features = await io.restart();
  if (io.tlsSocket() === undefined) {
    if (child(features, 'starttls', NS_TLS) === undefined) throw new XmppFailure('tls_required', 'no-starttls');
    io.write(el('starttls', NS_TLS));
    const answer = await io.next();
    if (answer.name !== 'proceed') throw new XmppFailure('tls_required', 'starttls-refused');
    await io.startTls();
    features = await io.restart();
  }
  const sasl = await authenticate(io, features, {
    credentials,
    allowPlain: server.allowPlain === true,
    tls: io.tlsSocket(),
    ...(server.scramMinIterations === undefined ? {} : { minIterations: server.scramMinIterations }),
  });
  features = await io.restart();
  return { ...(await establish(io, features, credentials, sm)), ...sasl };
}

async function establish(
  io: NegotiationSteps,
  features: XmlElement,
  credentials: Credentials,
  sm: SmState,
): Promise<Omit<Negotiated, 'mechanism'>> {
  const smOffered = child(features, 'sm', NS_SM) !== undefined;
  if (smOffered && sm.canResume) {
    io.write(el('resume', NS_SM, { h: sm.inbound, previd: sm.id }));
    const answer = await io.next();
    if (answer.name === 'resumed' && answer.xmlns === NS_SM) {
      io.ack(answer.attrs.h);
      return { jid: '', resumed: true, sm: true, held: [] };
    }
    // failed: acknowledge what the server says it got, then start over with a new session.
    if (answer.attrs.h !== undefined) io.ack(answer.attrs.h);
  }
  sm.reset(); // the engine's outbox resends anything not acknowledged
  if (child(features, 'bind', NS_BIND) === undefined) throw new XmppFailure('protocol', 'no-bind');
  const bindId = `bind-${Date.now().toString(36)}`;
  io.write(
    el('iq', NS_CLIENT, { type: 'set', id: bindId }, el('bind', NS_BIND, {}, credentials.resource ? el('resource', NS_BIND, {}, credentials.resource) : null)),
  );
  const bound = await io.next();
  const jid = text(child(child(bound, 'bind', NS_BIND) ?? bound, 'jid'));
  if (bound.attrs.type !== 'result' || jid === '') throw new XmppFailure('protocol', 'bind-failed');
  const session = child(features, 'session', NS_SESSION);
  if (session !== undefined && child(session, 'optional') === undefined) {
    io.write(el('iq', NS_CLIENT, { type: 'set', id: 'sess-1' }, el('session', NS_SESSION)));
    const answer = await io.next();
    if (answer.attrs.type !== 'result') throw new XmppFailure('protocol', 'session-failed');
  }
  if (!smOffered) return { jid, resumed: false, sm: false, held: [] };
  io.write(el('enable', NS_SM, { resume: 'true' }));
  const held: XmlElement[] = [];
  for (;;) {
    const answer = await io.next();
    if (answer.xmlns === NS_SM && answer.name === 'enabled') {
      sm.begin(answer.attrs.id, answer.attrs.resume === 'true' || answer.attrs.resume === '1');
      return { jid, resumed: false, sm: true, held };
    }
    if (answer.xmlns === NS_SM && answer.name === 'failed') return { jid, resumed: false, sm: false, held };
    // A stanza before <enabled/> (rare) is held and delivered once online; never counted.
    held.push(answer);
  }
}
