import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** scrypt parameters as recorded in a key file; N is stored as log2 so it is always a power of two. */
export interface ScryptParams {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * The fixed default, measured at about 180-250 ms on the 2-core reference machine (64 MiB).
 * Key files record their own parameters, so raising this later only affects new wraps.
 */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 16, r: 8, p: 1 };

/** Bounds accepted from a key file: enough to refuse a file that would make us allocate gigabytes. */
export const SCRYPT_BOUNDS = { log2N: [10, 22], r: [1, 32], p: [1, 16] } as const;

/** scrypt needs 128·N·r bytes; leave headroom so Node does not refuse valid parameters. */
export const scryptMaxmem = (params: ScryptParams): number => 2 ** params.log2N * params.r * 128 * 2 + 1024 * 1024;

/** NFC-normalised UTF-8, so the same password typed through different input methods gives one key. */
export const secretBytes = (secret: string): Buffer => Buffer.from(secret.normalize('NFC'), 'utf8');

export async function scryptKey(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const input = secretBytes(secret);
  try {
    return await scrypt(input, salt, 32, {
      N: 2 ** params.log2N,
      r: params.r,
      p: params.p,
      maxmem: scryptMaxmem(params),
    });
  } finally {
    input.fill(0);
  }
}

/**
 * KEK = HKDF-SHA256(ikm = scrypt(secret, salt), salt = device key, info).
 * The device key as HKDF salt binds the KEK to this computer's keychain: the same password
 * on another device (another device key) derives a different KEK.
 */
export async function deriveKek(
  secret: string,
  salt: Buffer,
  params: ScryptParams,
  deviceKey: Buffer,
  info: string,
): Promise<Buffer> {
  const stretched = await scryptKey(secret, salt, params);
  try {
    return Buffer.from(crypto.hkdfSync('sha256', stretched, deviceKey, Buffer.from(info, 'utf8'), 32));
  } finally {
    stretched.fill(0);
  }
}

export interface KdfTuning {
  readonly params: ScryptParams;
  readonly ms: number;
  readonly samples: ReadonlyArray<{ log2N: number; ms: number }>;
}

/**
 * Measures scrypt here and picks the power-of-two N whose time is closest to the target on a log
 * scale (each step doubles the cost), r=8, p=1. Each N is timed twice and the faster run kept, so a
 * busy moment on a shared machine does not push the choice down. Used by benchmarks and IT tooling
 * to choose a value for DEFAULT_SCRYPT / policy; not run at startup.
 */
export async function tuneKdf(targetMs = 250, range: readonly [number, number] = [14, 20]): Promise<KdfTuning> {
  const salt = crypto.randomBytes(16);
  const samples: Array<{ log2N: number; ms: number }> = [];
  for (let log2N = range[0]; log2N <= range[1]; log2N++) {
    const params = { log2N, r: 8, p: 1 };
    let ms = Infinity;
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      (await scryptKey('sealwire-kdf-tuning', salt, params)).fill(0);
      ms = Math.min(ms, performance.now() - started);
    }
    samples.push({ log2N, ms });
    if (ms > targetMs * 1.6) break;
  }
  const distance = (ms: number) => Math.abs(Math.log2(ms / targetMs));
  const best = samples.reduce((a, b) => (distance(b.ms) < distance(a.ms) ? b : a));
  return { params: { log2N: best.log2N, r: 8, p: 1 }, ms: best.ms, samples };
}
