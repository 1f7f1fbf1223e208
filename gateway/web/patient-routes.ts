import { MAX_PATIENT_TEXT, type PatientLocale } from '../../shared/contract/patient-gateway.ts';
import type { GatewayContext } from '../patients/context.ts';
import { patientReached, recipientOf } from '../patients/delivery.ts';
import { checkCode, checkDob, checkLink, issueCode, openLink, type AttemptResult } from '../patients/links.ts';
import { onPatientReply } from '../patients/relay.ts';
import { fill, STRINGS } from './i18n.ts';
import { codePage, dobPage, messagePage, threadPage, type PageFrame } from './pages.ts';
import { csrfMatches, Sessions, type PatientSession, type Stage } from './sessions.ts';

/** What a route answers: a page (status + HTML) or a redirect, and cookies to set. */
export type Reply =
  | { readonly kind: 'page'; readonly status: number; readonly html: string; readonly cookie?: string }
  | { readonly kind: 'redirect'; readonly location: string; readonly cookie?: string };

export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  readonly sessionId: string | undefined;
  readonly form: URLSearchParams;
  readonly lang: PatientLocale | null;
  readonly headerLocale: PatientLocale;
}

const page = (status: number, html: string, cookie?: string): Reply => ({ kind: 'page', status, html, ...(cookie ? { cookie } : {}) });
const redirect = (location: string, cookie?: string): Reply => ({ kind: 'redirect', location, ...(cookie ? { cookie } : {}) });

/**
 * The patient's path: link → (date of birth) → (one-time code) → thread → reply. The link is
 * checked again on every request, so a revoked, locked or expired link ends its sessions at once.
 */
export class PatientRoutes {
  private readonly ctx: GatewayContext;
  readonly sessions: Sessions;

  constructor(ctx: GatewayContext) {
    this.ctx = ctx;
    this.sessions = new Sessions(ctx.store, ctx.policy.sessionIdleMs, ctx.now);
  }

  private frame(locale: PatientLocale, path: string): PageFrame {
    return { locale, clinicName: this.ctx.clinicName, path };
  }

  private firstStage(): Stage {
    return this.ctx.policy.verify === 'code' ? 'code' : 'dob';
  }

  async open(token: string, r: RouteRequest): Promise<Reply> {
    const opened = openLink(this.ctx, token);
    const locale = r.lang ?? r.headerLocale;
    if (!opened.ok) {
      this.ctx.audit.record('patient.link_open', null, [], 'denied', opened.reason);
      if (opened.reason === 'locked') return page(403, messagePage(this.frame(locale, '/'), 'title', 'locked'));
      return page(opened.reason === 'unknown' ? 404 : 410, messagePage(this.frame(locale, '/'), 'title', 'linkGone'));
    }
    const { link, conversation } = opened;
    this.sessions.drop(r.sessionId);
    const stage = this.firstStage();
    const { id, session } = this.sessions.create({ tokenHash: link.tokenHash, conversationId: conversation.id, stage, locale: r.lang ?? conversation.locale });
    this.ctx.audit.record('patient.link_open', null, [conversation.id], 'ok');
    patientReached(this.ctx, conversation, 'opened');
    if (stage === 'code') await this.sendCode(session);
    // The token leaves the address bar at once: the next page has a plain path.
    return redirect('/v', this.sessions.cookie(id));
  }

  /** The session behind a request, its link still good; otherwise the reply to give instead. */
  private current(r: RouteRequest): { session: PatientSession; reply: null } | { session: null; reply: Reply } {
    const s = this.sessions.get(r.sessionId);
    const locale = r.lang ?? r.headerLocale;
    if (s === 'expired') return { session: null, reply: page(401, messagePage(this.frame(locale, '/'), 'title', 'sessionEnded'), Sessions.clearCookie()) };
    if (s === null) return { session: null, reply: page(401, messagePage(this.frame(locale, '/'), 'title', 'linkGone'), Sessions.clearCookie()) };
    if (r.lang !== null && r.lang !== s.locale) {
      s.locale = r.lang;
      this.sessions.save(s);
    }
    const check = checkLink(this.ctx, s.tokenHash);
    if (!check.ok) {
      this.sessions.drop(r.sessionId);
      const text = check.reason === 'locked' ? 'locked' : 'linkGone';
      return { session: null, reply: page(check.reason === 'locked' ? 403 : 410, messagePage(this.frame(s.locale, '/'), 'title', text), Sessions.clearCookie()) };
    }
    return { session: s, reply: null };
  }

  private badCsrf(s: PatientSession, r: RouteRequest): Reply | null {
    return csrfMatches(s, r.form.get('csrf') ?? undefined) ? null : page(403, messagePage(this.frame(s.locale, '/'), 'title', 'badRequest'));
  }

  verifyPage(r: RouteRequest): Reply {
    const { session: s, reply } = this.current(r);
    if (s === null) return reply;
    if (s.stage === 'thread') return redirect('/t');
    const f = this.frame(s.locale, '/v');
    return page(200, s.stage === 'dob' ? dobPage(f, s.csrf, null) : codePage(f, s.csrf, null));
  }

  async verify(kind: 'dob' | 'code', r: RouteRequest): Promise<Reply> {
    const { session: s, reply } = this.current(r);
    if (s === null) return reply;
    const bad = this.badCsrf(s, r);
    if (bad !== null) return bad;
    if (s.stage !== kind) return redirect(s.stage === 'thread' ? '/t' : '/v');
    const opened = checkLink(this.ctx, s.tokenHash);
    if (!opened.ok) return redirect('/v');
    const value = (r.form.get(kind) ?? '').trim().slice(0, 20);
    const result: AttemptResult = kind === 'dob' ? checkDob(this.ctx, opened, value) : checkCode(this.ctx, opened, value);
    this.ctx.audit.record(kind === 'dob' ? 'patient.verify_dob' : 'patient.verify_code', null, [opened.conversation.id], result.ok ? 'ok' : 'denied', result.ok ? null : result.locked ? 'locked' : 'wrong');
    if (!result.ok) {
      if (result.locked) {
        this.sessions.drop(r.sessionId);
        return page(403, messagePage(this.frame(s.locale, '/'), 'title', 'locked'), Sessions.clearCookie());
      }
      const f = this.frame(s.locale, '/v');
      const error = fill(STRINGS[s.locale].wrong, { left: result.left });
      return page(422, kind === 'dob' ? dobPage(f, s.csrf, error) : codePage(f, s.csrf, error));
    }
    if (kind === 'dob' && this.ctx.policy.verify === 'both') {
      s.stage = 'code';
      this.sessions.save(s);
      await this.sendCode(s);
      return redirect('/v');
    }
    s.stage = 'thread';
    this.sessions.save(s);
    patientReached(this.ctx, opened.conversation, 'verified');
    return redirect('/t');
  }

  private async sendCode(s: PatientSession): Promise<void> {
    const opened = checkLink(this.ctx, s.tokenHash);
    if (!opened.ok) return;
    const code = issueCode(this.ctx, opened.link);
    const result = await this.ctx.notifier.sendCode(recipientOf(opened.conversation), { clinicName: this.ctx.clinicName, code, locale: s.locale });
    this.ctx.audit.record('patient.notify', null, [opened.conversation.id, 'kind:code'], result.status === 'sent' ? 'ok' : 'failed', result.status === 'failed' ? result.failure : null);
  }

  thread(r: RouteRequest, error: string | null = null, status = 200): Reply {
    const { session: s, reply } = this.current(r);
    if (s === null) return reply;
    if (s.stage !== 'thread') return redirect('/v');
    const c = this.ctx.store.conversation(s.conversationId);
    if (c === null) return redirect('/v');
    const messages = this.ctx.store.messages(c.id, 200);
    this.ctx.audit.record('patient.thread_view', null, [c.id], 'ok');
    patientReached(this.ctx, c, 'read');
    return page(status, threadPage(this.frame(s.locale, '/t'), s.csrf, messages, c.status === 'closed', error));
  }

  async reply(r: RouteRequest): Promise<Reply> {
    const { session: s, reply } = this.current(r);
    if (s === null) return reply;
    const bad = this.badCsrf(s, r);
    if (bad !== null) return bad;
    if (s.stage !== 'thread') return redirect('/v');
    const text = (r.form.get('text') ?? '').trim();
    const t = STRINGS[s.locale];
    if (text.length === 0) return this.thread(r, t.empty, 422);
    if (text.length > MAX_PATIENT_TEXT) return this.thread(r, fill(t.tooLong, { max: MAX_PATIENT_TEXT }), 413);
    const c = this.ctx.store.conversation(s.conversationId);
    if (c === null) return redirect('/v');
    await onPatientReply(this.ctx, c, text);
    return redirect('/t');
  }

  logout(r: RouteRequest): Reply {
    const s = this.sessions.get(r.sessionId);
    const locale = s !== null && s !== 'expired' ? s.locale : (r.lang ?? r.headerLocale);
    if (s !== null && s !== 'expired') {
      const bad = this.badCsrf(s, r);
      if (bad !== null) return bad;
    }
    this.sessions.drop(r.sessionId);
    return page(200, messagePage(this.frame(locale, '/'), 'title', 'signedOut'), Sessions.clearCookie());
  }
}
