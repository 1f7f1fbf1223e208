import crypto from 'node:crypto';

/** One AES-256-GCM box as stored in a key file (base64 fields). */
export interface SealedBox {
  readonly nonce: string;
  readonly tag: string;
  readonly ciphertext: string;
}

export function seal(kek: Buffer, plaintext: Buffer, aad: string): SealedBox {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    nonce: nonce.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Returns null when authentication fails (wrong KEK or altered box); the caller decides what that means. */
export function open(kek: Buffer, box: SealedBox, aad: string): Buffer | null {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', kek, Buffer.from(box.nonce, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.ciphertext, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
