import crypto from 'node:crypto';
import type { PatientLocale } from '../../shared/contract/patient-gateway.ts';
import type { GatewayStore } from '../store/gateway-store.ts';

export type Stage = 'dob' | 'code' | 'thread';

export interface PatientSession {
  readonly idHash: string;
  readonly tokenHash: Buffer;
  readonly conversationId: string;
  stage: Stage;
  locale: PatientLocale;
  readonly csrf: string;
  lastSeen: number;
}

export const COOKIE = '__Host-sw';

/**
 * Patient sessions: a random 256-bit id in an HttpOnly, Secure, SameSite=Strict cookie, kept in
 * the gateway's encrypted store by its hash only (so a restart keeps a verified patient signed in,
 * and several instances could share them), and dropped after the idle limit.
 */
export class Sessions {
  private readonly store: GatewayStore;
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(store: GatewayStore, idleMs: number, now: () => number) {
    this.store = store;
    this.idleMs = idleMs;
    this.now = now;
  }

  create(s: Pick<PatientSession, 'tokenHash' | 'conversationId' | 'stage' | 'locale'>): { id: string; session: PatientSession } {
    const id = crypto.randomBytes(32).toString('base64url');
    const session: PatientSession = { ...s, idHash: hash(id), csrf: crypto.randomBytes(32).toString('base64url'), lastSeen: this.now() };
    this.store.dropIdleSessions(this.now() - this.idleMs);
    this.store.putSession(session);
    return { id, session };
  }

  /** The live session for a cookie value, touched; 'expired' when it idled out. */
  get(id: string | undefined): PatientSession | 'expired' | null {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const key = hash(id);
    const row = this.store.session(key);
    if (row === null) return null;
    if (this.now() - row.lastSeen > this.idleMs) {
      this.store.dropSession(key);
      return 'expired';
    }
    const s: PatientSession = { ...row, lastSeen: this.now() };
    this.store.putSession(s);
    return s;
  }

  /** Keeps a session's new stage or language. */
  save(s: PatientSession): void {
    this.store.putSession(s);
  }

  drop(id: string | undefined): void {
    if (id !== undefined) this.store.dropSession(hash(id));
  }

  cookie(id: string): string {
    return `${COOKIE}=${id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.ceil(this.idleMs / 1000)}`;
  }

  static clearCookie(): string {
    return `${COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
  }
}

const hash = (id: string): string => crypto.createHash('sha256').update(id).digest('base64url');

export function csrfMatches(session: PatientSession, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
