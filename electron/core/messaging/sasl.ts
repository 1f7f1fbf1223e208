import { createScramClient, ScramError, type ScramClient } from './scram.ts';
import type { Credentials } from './server-config.ts';
import { child, children, el, text, type XmlElement } from './xml.ts';
import { XmppFailure } from './xmpp-failure.ts';

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** What a negotiation step needs from the stream: write, and wait for the next element. */
export interface NegotiationIo {
  write(element: XmlElement | string): void;
  next(): Promise<XmlElement>;
}

export interface SaslOptions {
  readonly credentials: Credentials;
  readonly allowPlain: boolean;
  /** Whether the transport is TLS (PLAIN is never sent outside it). */
  readonly secure: boolean;
}

/**
 * SASL: picks the strongest mechanism the server offers (SCRAM-SHA-256, then SCRAM-SHA-1, PLAIN
 * only inside TLS and only when allowed), runs the exchange, and insists that a SCRAM server
 * proves it knows the password. Returns the mechanism used.
 */
export async function authenticate(io: NegotiationIo, features: XmlElement, options: SaslOptions): Promise<string> {
  const { credentials } = options;
  const mechanisms = new Set(children(child(features, 'mechanisms', NS_SASL) ?? features, 'mechanism').map((m) => text(m)));
  let mechanism: string;
  let scram: ScramClient | undefined;
  let initial: string;
  if (mechanisms.has('SCRAM-SHA-256')) {
    mechanism = 'SCRAM-SHA-256';
    scram = createScramClient('sha256', credentials.username, credentials.password);
    initial = scram.initial;
  } else if (mechanisms.has('SCRAM-SHA-1')) {
    mechanism = 'SCRAM-SHA-1';
    scram = createScramClient('sha1', credentials.username, credentials.password);
    initial = scram.initial;
  } else if (mechanisms.has('PLAIN')) {
    if (!options.allowPlain || !options.secure) throw new XmppFailure('plain_refused', 'plain-only');
    mechanism = 'PLAIN';
    initial = `\0${credentials.username}\0${credentials.password}`;
  } else {
    throw new XmppFailure('no_mechanism', 'none-supported');
  }
  io.write(el('auth', NS_SASL, { mechanism }, Buffer.from(initial, 'utf8').toString('base64')));
  for (;;) {
    const answer = await io.next();
    const payload = Buffer.from(text(answer), 'base64').toString('utf8');
    if (answer.name === 'challenge' && scram !== undefined) {
      let response: string;
      try {
        response = scram.respond(payload);
      } catch (err) {
        throw new XmppFailure('protocol', err instanceof ScramError ? err.message : 'scram');
      }
      io.write(el('response', NS_SASL, {}, Buffer.from(response, 'utf8').toString('base64')));
    } else if (answer.name === 'success') {
      if (scram !== undefined) {
        try {
          scram.verify(payload);
        } catch {
          // A server that cannot prove the password may be an impostor.
          throw new XmppFailure('protocol', 'server-signature');
        }
      }
      return mechanism;
    } else if (answer.name === 'failure') {
      const condition = children(answer)[0]?.name ?? 'unknown';
      throw new XmppFailure('auth', condition);
    } else {
      throw new XmppFailure('protocol', `sasl-${answer.name}`);
    }
  }
}
