import type tls from 'node:tls';
import { bindingTypesFor, channelBindingData } from './channel-binding.ts';
import { createScramClient, ScramError, type ChannelBindingUse, type ScramClient, type ScramHash, type ScramKeys } from './scram.ts';
import type { Credentials } from './server-config.ts';
import { child, children, el, text, type XmlElement } from '../../../node-shared/xmpp/xml.ts';
import { XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** What a negotiation step needs from the stream: write, and wait for the next element. */
export interface NegotiationIo {
  write(element: XmlElement | string): void;
  next(): Promise<XmlElement>;
}

export interface SaslOptions {
  readonly credentials: Credentials;
  readonly allowPlain: boolean;
  /** The TLS socket (PLAIN is never sent outside it; channel binding reads it). */
  readonly tls: tls.TLSSocket | undefined;
  readonly minIterations?: number;
}

export interface SaslResult {
  readonly mechanism: string;
  /** Derived from the password during this exchange: what later sign-ins use instead of it. */
  readonly keys?: ScramKeys;
}

interface Choice {
  readonly mechanism: string;
  readonly hash?: ScramHash;
  readonly binding?: ChannelBindingUse;
}

const SCRAM: ReadonlyArray<readonly [string, ScramHash]> = [
  ['SCRAM-SHA-256', 'sha256'],
  ['SCRAM-SHA-1', 'sha1'],
];

/**
 * The strongest mechanism both sides can do. SCRAM-*-PLUS whenever the server offers it and this
 * TLS connection yields the binding data; when the server offers no -PLUS we still say that we
 * could bind (gs2 flag 'y'), so a server whose -PLUS offer was stripped on the way refuses us
 * (RFC 5802 §6). Stored keys fit only the hash they were derived with; PLAIN needs the password,
 * TLS and policy.
 */
function choose(mechanisms: ReadonlySet<string>, features: XmlElement, options: SaslOptions): Choice {
  const { credentials } = options;
  const socket = options.tls;
  for (const [name, hash] of SCRAM) {
    if ('scram' in credentials && credentials.scram.hash !== hash) continue;
    if (socket !== undefined && mechanisms.has(`${name}-PLUS`)) {
      for (const type of bindingTypesFor(features)) {
        const data = channelBindingData(socket, type);
        if (data !== undefined) return { mechanism: `${name}-PLUS`, hash, binding: { flag: 'p', type, data } };
      }
    }
    if (mechanisms.has(name)) {
      const offersPlus = mechanisms.has('SCRAM-SHA-256-PLUS') || mechanisms.has('SCRAM-SHA-1-PLUS');
      return { mechanism: name, hash, binding: { flag: socket !== undefined && !offersPlus ? 'y' : 'n' } };
    }
  }
  if (mechanisms.has('PLAIN') && 'password' in credentials) {
    if (!options.allowPlain || socket === undefined) throw new XmppFailure('plain_refused', 'plain-only');
    return { mechanism: 'PLAIN' };
  }
  throw new XmppFailure('no_mechanism', 'none-supported');
}

/**
 * SASL: runs the chosen mechanism's exchange and insists that a SCRAM server proves it knows the
 * password. Returns the mechanism used and, after a password sign-in, the SCRAM keys.
 */
export async function authenticate(io: NegotiationIo, features: XmlElement, options: SaslOptions): Promise<SaslResult> {
  const { credentials } = options;
  const mechanisms = new Set(children(child(features, 'mechanisms', NS_SASL) ?? features, 'mechanism').map((m) => text(m)));
  const choice = choose(mechanisms, features, options);
  let scram: ScramClient | undefined;
  let initial: string;
  if (choice.hash !== undefined) {
    scram = createScramClient({
      hash: choice.hash,
      username: credentials.username,
      secret: 'scram' in credentials ? { keys: credentials.scram } : { password: credentials.password },
      ...(choice.binding ? { binding: choice.binding } : {}),
      ...(options.minIterations === undefined ? {} : { minIterations: options.minIterations }),
    });
    initial = scram.initial;
  } else {
    initial = `\0${credentials.username}\0${'password' in credentials ? credentials.password : ''}`;
  }
  io.write(el('auth', NS_SASL, { mechanism: choice.mechanism }, Buffer.from(initial, 'utf8').toString('base64')));
  for (;;) {
    const answer = await io.next();
    const payload = Buffer.from(text(answer), 'base64').toString('utf8');
    if (answer.name === 'challenge' && scram !== undefined) {
      let response: string;
      try {
        response = await scram.respond(payload);
      } catch (err) {
        const reason = err instanceof ScramError ? err.message : 'scram';
        if (reason === 'weak-iterations') throw new XmppFailure('weak_auth', reason);
        // The server's salt or count changed (password reset): stored keys cannot sign in.
        if (reason === 'keys-outdated') throw new XmppFailure('auth', reason);
        throw new XmppFailure('protocol', reason);
      }
      io.write(el('response', NS_SASL, {}, Buffer.from(response, 'utf8').toString('base64')));
    } else if (answer.name === 'success') {
      if (scram === undefined) return { mechanism: choice.mechanism };
      try {
        scram.verify(payload);
      } catch {
        // A server that cannot prove the password may be an impostor.
        throw new XmppFailure('protocol', 'server-signature');
      }
      const keys = 'password' in credentials ? scram.keys() : undefined;
      return keys === undefined ? { mechanism: choice.mechanism } : { mechanism: choice.mechanism, keys };
    } else if (answer.name === 'failure') {
      const condition = children(answer)[0]?.name ?? 'unknown';
      // We said we could bind ('y') and the server, which can, refused: its -PLUS offer did not
      // reach us. Not a wrong password (retrying would only count against the account).
      if (choice.binding?.flag === 'y' && condition === 'malformed-request') throw new XmppFailure('weak_auth', 'channel-binding-stripped');
      throw new XmppFailure('auth', condition);
    } else {
      throw new XmppFailure('protocol', `sasl-${answer.name}`);
    }
  }
}
