import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * SASL SCRAM client (RFC 5802, RFC 7677), with channel binding for the -PLUS variants.
 * PBKDF2 runs asynchronously in node:crypto's thread pool, so the process (and the window it
 * serves) never freezes while signing in.
 */
export type ScramHash = 'sha1' | 'sha256';

/**
 * What re-authentication needs instead of the password (RFC 5802 §3): ClientKey proves who we
 * are, ServerKey checks the server; the password itself cannot be recovered from them.
 */
export interface ScramKeys {
  readonly hash: ScramHash;
  /** base64, as the server sent it. */
  readonly salt: string;
  readonly iterations: number;
  /** base64 */
  readonly clientKey: string;
  /** base64 */
  readonly serverKey: string;
}

/** Channel binding (RFC 5056): 'p' binds to `data`; 'y' says we could but the server offered no -PLUS. */
export type ChannelBindingUse = { readonly flag: 'p'; readonly type: string; readonly data: Buffer } | { readonly flag: 'y' | 'n' };

export interface ScramOptions {
  readonly hash: ScramHash;
  readonly username: string;
  readonly secret: { readonly password: string } | { readonly keys: ScramKeys };
  readonly binding?: ChannelBindingUse;
  /** Fewer iterations than this are refused (RFC 7677 asks for at least 4096). */
  readonly minIterations?: number;
  readonly nonce?: string;
}

export interface ScramClient {
  readonly initial: string;
  respond(serverFirst: string): Promise<string>;
  /** Throws unless the server proved it knows the password (mutual authentication). */
  verify(serverFinal: string): void;
  /** After a successful `respond`: what a later sign-in needs instead of the password. */
  keys(): ScramKeys | undefined;
}

export const MIN_SCRAM_ITERATIONS = 4096;
/** Bounded so a hostile server cannot pin the CPU for minutes. */
const MAX_SCRAM_ITERATIONS = 1_000_000;

const pbkdf2Async = promisify(pbkdf2);
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

function gs2HeaderFor(binding: ChannelBindingUse): string {
  return binding.flag === 'p' ? `p=${binding.type},,` : `${binding.flag},,`;
}

export function createScramClient(options: ScramOptions): ScramClient {
  const { hash, secret } = options;
  const binding = options.binding ?? { flag: 'n' };
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  const minIterations = Math.max(MIN_SCRAM_ITERATIONS, options.minIterations ?? 0);
  const gs2Header = gs2HeaderFor(binding);
  const clientFirstBare = `n=${saslName(options.username)},r=${nonce}`;
  const keyLength = hash === 'sha1' ? 20 : 32;
  const hmac = (key: Buffer, data: string) => createHmac(hash, key).update(data).digest();
  let expectedServerSignature: Buffer | undefined;
  let derived: ScramKeys | undefined;

  const deriveKeys = async (salt: string, iterations: number): Promise<{ clientKey: Buffer; serverKey: Buffer }> => {
    if ('keys' in secret) {
      const k = secret.keys;
      // New salt or count: the password was changed or re-hashed on the server; only it can help.
      if (k.hash !== hash || k.salt !== salt || k.iterations !== iterations) throw new ScramError('keys-outdated');
      return { clientKey: Buffer.from(k.clientKey, 'base64'), serverKey: Buffer.from(k.serverKey, 'base64') };
    }
    const salted = await pbkdf2Async(secret.password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, keyLength, hash);
    const keys = { clientKey: hmac(salted, 'Client Key'), serverKey: hmac(salted, 'Server Key') };
    salted.fill(0);
    return keys;
  };

  return {
    initial: gs2Header + clientFirstBare,
    async respond(serverFirst) {
      const attrs = parseAttributes(serverFirst);
      const serverNonce = attrs.get('r');
      const salt = attrs.get('s');
      const iterations = Number(attrs.get('i'));
      if (attrs.has('m')) throw new ScramError('unsupported-extension');
      if (serverNonce === undefined || !serverNonce.startsWith(nonce) || serverNonce.length <= nonce.length) {
        throw new ScramError('bad-nonce');
      }
      if (salt === undefined || salt.length === 0) throw new ScramError('bad-salt');
      if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_SCRAM_ITERATIONS) throw new ScramError('bad-iterations');
      // A low count makes a captured exchange cheap to brute-force; refuse before deriving anything.
      if (iterations < minIterations) throw new ScramError('weak-iterations');
      const { clientKey, serverKey } = await deriveKeys(salt, iterations);
      const storedKey = createHash(hash).update(clientKey).digest();
      const cbind = binding.flag === 'p' ? Buffer.concat([Buffer.from(gs2Header), binding.data]) : Buffer.from(gs2Header);
      const clientFinalWithoutProof = `c=${cbind.toString('base64')},r=${serverNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
      expectedServerSignature = hmac(serverKey, authMessage);
      derived = { hash, salt, iterations, clientKey: clientKey.toString('base64'), serverKey: serverKey.toString('base64') };
      clientKey.fill(0);
      serverKey.fill(0);
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
    keys: () => derived,
  };
}
