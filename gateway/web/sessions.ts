import crypto from 'node:crypto';
import type { PatientLocale } from '../../shared/contract/patient-gateway.ts';

export type Stage = 'dob' | 'code' | 'thread';

export interface PatientSession {
  readonly tokenHash: Buffer;
  readonly conversationId: string;
  stage: Stage;
  locale: PatientLocale;
  readonly csrf: string;
  lastSeen: number;
}

export const COOKIE = '__Host-sw';

/**
 * Patient sessions, in memory only (a restart signs everyone out, which is the safe direction):
 * a random 256-bit id in an HttpOnly, Secure, SameSite=Strict cookie, looked up by its hash, and
 * dropped after the idle limit.
 */
export class Sessions {
  private readonly byHash = new Map<string, PatientSession>();
  private readonly idleMs: number;
  private readonly now: () => number;

  constructor(idleMs: number, now: () => number) {
    this.idleMs = idleMs;
    this.now = now;
  }

  create(s: Omit<PatientSession, 'csrf' | 'lastSeen'>): { id: string; session: PatientSession } {
    const id = crypto.randomBytes(32).toString('base64url');
    const session: PatientSession = { ...s, csrf: crypto.randomBytes(32).toString('base64url'), lastSeen: this.now() };
    this.byHash.set(hash(id), session);
    this.sweep();
    return { id, session };
  }

  /** The live session for a cookie value, touched; 'expired' when it idled out. */
  get(id: string | undefined): PatientSession | 'expired' | null {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const key = hash(id);
    const s = this.byHash.get(key);
    if (s === undefined) return null;
    if (this.now() - s.lastSeen > this.idleMs) {
      this.byHash.delete(key);
      return 'expired';
    }
    s.lastSeen = this.now();
    return s;
  }

  drop(id: string | undefined): void {
    if (id !== undefined) this.byHash.delete(hash(id));
  }

  /** Ends every session of a conversation's links (revoke, resend, lock). */
  dropConversation(conversationId: string): void {
    for (const [k, s] of this.byHash) if (s.conversationId === conversationId) this.byHash.delete(k);
  }

  cookie(id: string): string {
    return `${COOKIE}=${id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${Math.ceil(this.idleMs / 1000)}`;
  }

  static clearCookie(): string {
    return `${COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.byHash) if (now - s.lastSeen > this.idleMs) this.byHash.delete(k);
  }
}

const hash = (id: string): string => crypto.createHash('sha256').update(id).digest('base64url');

export function csrfMatches(session: PatientSession, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
