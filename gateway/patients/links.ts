import crypto from 'node:crypto';
import { PATIENT_DEFAULTS, type LinkState } from '../../shared/contract/patient-gateway.ts';
import { targetRef } from '../../node-shared/audit/keys.ts';
import type { ConversationRow, LinkRow } from '../store/gateway-store.ts';
import type { GatewayContext } from './context.ts';

/** Link tokens: 256 random bits, base64url, in the path only; the store keeps their SHA-256. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): Buffer => crypto.createHash('sha256').update(token).digest();

export function keyedHash(pepper: Buffer, ...parts: Array<Buffer | string>): Buffer {
  const mac = crypto.createHmac('sha256', pepper);
  for (const p of parts) mac.update(p).update('\0');
  return mac.digest();
}

/** The date of birth is kept only as HMAC(pepper, salt, date): the store never holds the date. */
export const dobHash = (pepper: Buffer, salt: Buffer, dob: string): Buffer => keyedHash(pepper, salt, 'dob', dob);

/** The attempt counter's key for an address: a keyed reference, so the table holds no address. */
export function addressKey(ctx: GatewayContext, c: ConversationRow): string {
  const address = c.channel === 'sms' ? (c.phone ?? '') : (c.email ?? '').toLowerCase();
  return targetRef(ctx.refKey, c.channel, address);
}

export function mintLink(ctx: GatewayContext, conversationId: string): { url: string; tokenHash: Buffer } {
  const token = crypto.randomBytes(PATIENT_DEFAULTS.tokenBytes).toString('base64url');
  const now = ctx.now();
  const tokenHash = hashToken(token);
  ctx.store.addLink({ tokenHash, conversationId, createdAt: now, expiresAt: now + ctx.policy.linkTtlMs });
  return { url: `${ctx.publicUrl}/p/${token}`, tokenHash };
}

export function linkState(ctx: GatewayContext, c: ConversationRow, link: LinkRow | null): LinkState {
  if (link === null) return 'none';
  if (link.revoked) return 'revoked';
  if (link.failures >= ctx.policy.maxAttempts || ctx.store.addressFailures(addressKey(ctx, c)) >= ctx.policy.maxAttempts) return 'locked';
  if (link.expiresAt <= ctx.now()) return 'expired';
  return 'active';
}

export type OpenedLink =
  | { readonly ok: true; readonly link: LinkRow; readonly conversation: ConversationRow }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'locked' };

/** What a token from a URL opens. Malformed and unknown tokens look the same to the caller. */
export function openLink(ctx: GatewayContext, token: string): OpenedLink {
  if (!TOKEN_RE.test(token)) return { ok: false, reason: 'unknown' };
  return checkLink(ctx, hashToken(token));
}

export function checkLink(ctx: GatewayContext, tokenHash: Buffer): OpenedLink {
  const link = ctx.store.link(tokenHash);
  const conversation = link === null ? null : ctx.store.conversation(link.conversationId);
  if (link === null || conversation === null) return { ok: false, reason: 'unknown' };
  const state = linkState(ctx, conversation, link);
  if (state !== 'active') return { ok: false, reason: state === 'none' ? 'unknown' : state };
  return { ok: true, link, conversation };
}

export type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly locked: boolean; readonly left: number };

/** One wrong answer counts against the link and against the address; at the limit both lock. */
function failed(ctx: GatewayContext, o: { link: LinkRow; conversation: ConversationRow }): AttemptResult {
  const onLink = ctx.store.linkFailed(o.link.tokenHash);
  const onAddress = ctx.store.addressFailed(addressKey(ctx, o.conversation));
  const left = Math.max(0, ctx.policy.maxAttempts - Math.max(onLink, onAddress));
  return { ok: false, locked: left === 0, left };
}

export function checkDob(ctx: GatewayContext, o: { link: LinkRow; conversation: ConversationRow }, dob: string): AttemptResult {
  const given = dobHash(ctx.pepper, o.conversation.dobSalt, dob);
  return crypto.timingSafeEqual(given, o.conversation.dobHash) ? { ok: true } : failed(ctx, o);
}

/** A fresh six-digit code for this link (the previous one stops working); returns the code to send. */
export function issueCode(ctx: GatewayContext, link: LinkRow): string {
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  ctx.store.setCode(link.tokenHash, keyedHash(ctx.pepper, link.tokenHash, 'code', code), ctx.now() + ctx.policy.codeTtlMs);
  return code;
}

export function checkCode(ctx: GatewayContext, o: { link: LinkRow; conversation: ConversationRow }, code: string): AttemptResult {
  const fresh = ctx.store.link(o.link.tokenHash);
  const valid = fresh?.codeHash != null && (fresh.codeExpiresAt ?? 0) > ctx.now() && /^\d{6}$/.test(code);
  if (valid && crypto.timingSafeEqual(keyedHash(ctx.pepper, o.link.tokenHash, 'code', code), fresh.codeHash as Buffer)) {
    ctx.store.setCode(o.link.tokenHash, null, null);
    return { ok: true };
  }
  return failed(ctx, o);
}
