import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SASL SCRAM client (RFC 5802, RFC 7677) without channel binding ("n,,").
 * PBKDF2 runs in node:crypto (native), so a login costs milliseconds, not the ~0.9 s a
 * pure-JS implementation spent here.
 */
export type ScramHash = 'sha1' | 'sha256';

export interface ScramClient {
  readonly initial: string;
  respond(serverFirst: string): string;
  /** Throws unless the server proved it knows the password (mutual authentication). */
  verify(serverFinal: string): void;
}

const saslName = (name: string) => name.replace(/=/g, '=3D').replace(/,/g, '=2C');

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

export class ScramError extends Error {
  override readonly name = 'ScramError';
}

export function createScramClient(
  hash: ScramHash,
  username: string,
  password: string,
  nonce: string = randomBytes(18).toString('base64'),
): ScramClient {
  const gs2Header = 'n,,';
  const clientFirstBare = `n=${saslName(username)},r=${nonce}`;
  let expectedServerSignature: Buffer | undefined;
  const keyLength = hash === 'sha1' ? 20 : 32;
  const hmac = (key: Buffer, data: string) => createHmac(hash, key).update(data).digest();

  return {
    initial: gs2Header + clientFirstBare,
    respond(serverFirst) {
      const attrs = parseAttributes(serverFirst);
      const serverNonce = attrs.get('r');
      const salt = attrs.get('s');
      const iterations = Number(attrs.get('i'));
      if (attrs.has('m')) throw new ScramError('unsupported-extension');
      if (serverNonce === undefined || !serverNonce.startsWith(nonce) || serverNonce.length <= nonce.length) {
        throw new ScramError('bad-nonce');
      }
      if (salt === undefined || salt.length === 0) throw new ScramError('bad-salt');
      // Bounded so a hostile server cannot pin the CPU for minutes.
      if (!Number.isInteger(iterations) || iterations < 1 || iterations > 1_000_000) throw new ScramError('bad-iterations');
      const saltedPassword = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, keyLength, hash);
      const clientKey = hmac(saltedPassword, 'Client Key');
      const storedKey = createHash(hash).update(clientKey).digest();
      const clientFinalWithoutProof = `c=${Buffer.from(gs2Header).toString('base64')},r=${serverNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
      expectedServerSignature = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
      return `${clientFinalWithoutProof},p=${proof.toString('base64')}`;
    },
    verify(serverFinal) {
      const attrs = parseAttributes(serverFinal);
      if (attrs.has('e')) throw new ScramError('server-error');
      const v = attrs.get('v');
      if (expectedServerSignature === undefined || v === undefined) throw new ScramError('no-server-signature');
      const got = Buffer.from(v, 'base64');
      if (got.length !== expectedServerSignature.length || !timingSafeEqual(got, expectedServerSignature)) {
        throw new ScramError('bad-server-signature');
      }
    },
  };
}
