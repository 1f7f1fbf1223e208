import { z } from 'zod';

/**
 * The building blocks of every managed key (issue 12). Each key carries its zod schema, its safe
 * default, the direction in which it tightens and the text the generated documentation and
 * templates show, so the merge, the OS readers and build/ all work from one table.
 */
export type Stricter =
  /** Smaller number is stricter. */
  | 'lower'
  /** Larger number is stricter. */
  | 'higher'
  /** Smaller number is stricter, and any number is stricter than null (unlimited). */
  | 'lower_or_set'
  | 'true'
  | 'false'
  /** Choices are listed strictest first. */
  | 'order'
  /** A list may only narrow: a sub-list is stricter, null means "any". */
  | 'subset'
  /** Organisation identity: set by the first managed source (server, machine); never by the user. */
  | 'fixed';

export type Category = 'organisation' | 'session' | 'data' | 'attachments' | 'privacy' | 'device';

interface KeyText {
  readonly doc: string;
  readonly category: Category;
  /**
   * False for convenience features that are off by default but the organisation may turn on
   * (presence, read receipts, typing): the first managed source sets them either way; after that,
   * and always for the user, they only tighten. Every other key is a security key.
   */
  readonly security?: false;
}

export const integer = <D extends number>(o: KeyText & { min: number; max: number; default: D; stricter: 'lower' | 'higher'; unit: string }) =>
  ({ kind: 'integer' as const, nullable: false, ...o, schema: z.number().int().min(o.min).max(o.max) });

export const optionalInteger = (o: KeyText & { min: number; max: number; default: number | null; unit: string }) =>
  ({ kind: 'integer' as const, nullable: true, stricter: 'lower_or_set' as const, ...o, schema: z.number().int().min(o.min).max(o.max).nullable() });

export const flag = (o: KeyText & { default: boolean; stricter: 'true' | 'false' }) => ({ kind: 'boolean' as const, ...o, schema: z.boolean() });

export const choice = <const V extends readonly [string, ...string[]]>(o: KeyText & { values: V; default: V[number] }) =>
  ({ kind: 'choice' as const, stricter: 'order' as const, ...o, schema: z.enum(o.values) });

export const text = (o: KeyText & { maxLength: number; pattern: RegExp }) =>
  ({ kind: 'text' as const, stricter: 'fixed' as const, default: null, ...o, schema: z.string().max(o.maxLength).regex(o.pattern).nullable() });

export const list = (o: KeyText & { maxItems: number; item: RegExp; itemMaxLength: number; default: readonly string[] | null; stricter: 'subset' | 'fixed' }) =>
  ({ kind: 'list' as const, ...o, schema: z.array(z.string().max(o.itemMaxLength).regex(o.item)).max(o.maxItems).nullable() });

export type KeySpec =
  | ReturnType<typeof integer>
  | ReturnType<typeof optionalInteger>
  | ReturnType<typeof flag>
  | ReturnType<typeof choice<readonly [string, ...string[]]>>
  | ReturnType<typeof text>
  | ReturnType<typeof list>;

type Spec = Record<string, { schema: z.ZodType; default: unknown }>;
export type ShapeOf<T extends Spec> = { [K in keyof T]: T[K]['schema'] };

export function shapeOf<T extends Spec>(spec: T): ShapeOf<T> {
  return Object.fromEntries(Object.entries(spec).map(([key, entry]) => [key, entry.schema])) as ShapeOf<T>;
}

export function defaultsOf<T extends Spec>(spec: T): { [K in keyof T]: z.infer<T[K]['schema']> } {
  return Object.fromEntries(Object.entries(spec).map(([key, entry]) => [key, entry.default])) as { [K in keyof T]: z.infer<T[K]['schema']> };
}

// Single-label names (an intranet host such as "chat", or "localhost") are valid XMPP domains.
const LABELS = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABELS}$`);
const JID = new RegExp(`^[a-z0-9._%+-]{1,64}@${LABELS}$`);

/** Who the organisation is and where its server is: copied into profiles, refreshed on every start. */
export const ORGANISATION_KEYS = {
  organisationName: text({ category: 'organisation', doc: 'Display name of the organisation, shown on the sign-in screen.', maxLength: 100, pattern: /^[^\p{Cc}]+$/u }),
  serverAddress: text({ category: 'organisation', doc: 'XMPP server host (optionally :port) staff sign in to; staff cannot type another.', maxLength: 259, pattern: new RegExp(`^${LABELS}(?::\\d{1,5})?$`) }),
  allowedDomains: list({ category: 'organisation', doc: 'Account domains staff may sign in with; empty means none, unset means any.', maxItems: 50, item: DOMAIN, itemMaxLength: 253, default: null, stricter: 'subset' }),
  caCertificatePem: text({ category: 'organisation', doc: "The organisation's CA certificate (PEM); when set, system root certificates are not trusted.", maxLength: 16_384, pattern: /^-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/ }),
  certificatePins: list({ category: 'organisation', doc: 'SHA-256 public-key pins (base64, as in "sha256/…"); a connection must match one.', maxItems: 10, item: /^sha256\/[A-Za-z0-9+/]{43}=$/, itemMaxLength: 51, default: null, stricter: 'subset' }),
  adminAddresses: list({ category: 'organisation', doc: 'Addresses of the administrators whose policy, lock and wipe commands devices obey.', maxItems: 20, item: JID, itemMaxLength: 318, default: null, stricter: 'fixed' }),
  auditAddress: text({ category: 'organisation', doc: 'Address that collects audit heads from devices.', maxLength: 318, pattern: JID }),
};
