import { createHmac } from 'node:crypto';

/**
 * Opt-outs are kept by a keyed hash of the address, never the address itself: the list of people
 * who asked not to be contacted is not a second copy of the contact list. The same key is the
 * token of the e-mail's unsubscribe link, so the link needs no lookup table and carries no PHI.
 */
export type OptOutChannel = 'sms' | 'email';
export type OptOutSource = 'sms_keyword' | 'email_link' | 'provider' | 'staff';

export interface OptOutRecord {
  readonly optedOut: boolean;
  /** ISO time of the change. */
  readonly at: string;
  readonly source: OptOutSource;
}

/** Where opt-outs live. The gateway backs this with its encrypted store; tests and demos use memory. */
export interface OptOutStore {
  get(key: string): OptOutRecord | undefined | Promise<OptOutRecord | undefined>;
  set(key: string, record: OptOutRecord): void | Promise<void>;
}

export function memoryOptOutStore(): OptOutStore & { readonly size: number } {
  const records = new Map<string, OptOutRecord>();
  return {
    get: (key) => records.get(key),
    set: (key, record) => void records.set(key, record),
    get size() {
      return records.size;
    },
  };
}

/** 43 base64url characters: HMAC-SHA256 over the channel and the normalised address. */
export function addressKey(secret: Buffer, channel: OptOutChannel, normalisedAddress: string): string {
  return createHmac('sha256', secret).update(`sealwire-opt-out\0${channel}\0${normalisedAddress}`).digest('base64url');
}

export const OPT_OUT_TOKEN = /^[A-Za-z0-9_-]{43}$/;
