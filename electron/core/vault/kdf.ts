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

/**
 * Bounds accepted from a key file (issue 8 item 5). A key file is read before anything is
 * authenticated, so its parameters are attacker input: each one is capped, and so are the memory
 * scrypt would allocate (128·N·r bytes) and the work it would do (N·r·p), so a crafted file cannot
 * make us allocate gigabytes or spin for minutes. The default (2^16, 8, 1: 64 MiB, 2^19 work) can
 * still be raised 4x in memory and 8x in work.
 */
export const SCRYPT_BOUNDS = { log2N: [10, 20], r: [1, 16], p: [1, 4] } as const;
export const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
export const SCRYPT_MAX_WORK = 2 ** 22;

/** scrypt needs 128·N·r bytes; leave headroom so Node does not refuse valid parameters. */
export const scryptMaxmem = (params: ScryptParams): number => 2 ** params.log2N * params.r * 128 * 2 + 1024 * 1024;

/** The largest maxmem a key file may record (what scryptMaxmem gives at the memory cap). */
export const SCRYPT_MAX_MAXMEM = SCRYPT_MAX_MEMORY * 2 + 1024 * 1024;

/** True when scrypt with these parameters stays within every bound above. */
export function scryptWithinBounds(params: ScryptParams): boolean {
  const within = (v: number, [lo, hi]: readonly [number, number]) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!within(params.log2N, SCRYPT_BOUNDS.log2N) || !within(params.r, SCRYPT_BOUNDS.r) || !within(params.p, SCRYPT_BOUNDS.p)) return false;
  const memory = 128 * 2 ** params.log2N * params.r;
  return memory <= SCRYPT_MAX_MEMORY && 2 ** params.log2N * params.r * params.p <= SCRYPT_MAX_WORK;
}

/** NFC-normalised UTF-8, so the same password typed through different input methods gives one key. */
export const secretBytes = (secret: string): Buffer => Buffer.from(secret.normalize('NFC'), 'utf8');

export async function scryptKey(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Key files are checked when parsed; this guard makes sure no other path reaches the allocation.
  if (!scryptWithinBounds(params)) throw new RangeError('scrypt parameters outside the accepted bounds');
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
    if (!scryptWithinBounds(params)) break;
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
