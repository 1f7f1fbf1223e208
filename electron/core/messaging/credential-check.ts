import { CoreError } from '../errors.ts';
import type { ScramKeys } from './scram.ts';
import { addressesOf, atAddress, type Credentials, type ServerConfig } from './server-config.ts';
import { finalFailure, XmppFailure } from '../../../node-shared/xmpp/xmpp-failure.ts';
import { XmppStream } from './xmpp-stream.ts';
import { SmState } from './stream-management.ts';

export type VerifyOutcome = 'ok' | 'wrong_password' | 'unknown_server' | 'untrusted_certificate' | 'insecure_server';

/**
 * The sign-in check the session layer uses: one full negotiation (TLS, SASL, bind), then a
 * polite close. Wrong password, unreachable server and untrusted certificate stay distinct.
 */
export async function checkCredentials(
  server: ServerConfig,
  credentials: Credentials,
  onMechanism?: (mechanism: string) => void,
  onKeys?: (keys: ScramKeys) => void,
): Promise<VerifyOutcome> {
  // Cluster nodes: an unreachable one says nothing about the credentials, so try the next.
  let outcome: VerifyOutcome = 'unknown_server';
  for (const address of addressesOf(server)) {
    outcome = await checkAt(atAddress(server, address), credentials, onMechanism, onKeys);
    if (outcome !== 'unknown_server') return outcome;
  }
  return outcome;
}

async function checkAt(
  server: ServerConfig,
  credentials: Credentials,
  onMechanism?: (mechanism: string) => void,
  onKeys?: (keys: ScramKeys) => void,
): Promise<VerifyOutcome> {
  const stream = new XmppStream(server, { ...credentials, resource: credentials.resource ?? 'verify' }, new SmState(), {
    stanza: () => {},
    acked: () => {},
    closed: () => {},
  });
  try {
    const result = await stream.open();
    onMechanism?.(result.mechanism);
    if (result.keys !== undefined) onKeys?.(result.keys);
    stream.close();
    return 'ok';
  } catch (err) {
    const failure = err instanceof XmppFailure ? err : new XmppFailure('protocol', 'unexpected');
    const final = finalFailure(failure.kind);
    if (final === 'auth') return 'wrong_password';
    if (final === 'certificate') return 'untrusted_certificate';
    return final === 'insecure' ? 'insecure_server' : 'unknown_server';
  }
}

/**
 * Same check, as the CoreErrors the session layer hands to the renderer. Resolves with the SCRAM
 * keys the exchange produced (null after PLAIN), which later sign-ins use instead of the password.
 */
export async function verifyCredentials(server: ServerConfig, credentials: Credentials): Promise<ScramKeys | null> {
  let keys: ScramKeys | null = null;
  const outcome = await checkCredentials(server, credentials, undefined, (k) => (keys = k));
  switch (outcome) {
    case 'ok':
      return keys;
    case 'wrong_password':
      throw new CoreError('wrong_password', 'The user name or password was not accepted by the server.');
    case 'untrusted_certificate':
      throw new CoreError('certificate', "The server's certificate is not trusted. Contact your IT team.");
    case 'insecure_server':
      throw new CoreError('unsupported', 'The server does not offer a secure sign-in method. Contact your IT team.');
    case 'unknown_server':
      throw new CoreError('network', 'The server could not be reached. Check the address and the network.');
  }
}
