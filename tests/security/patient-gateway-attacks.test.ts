import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../integration/messaging-support.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { command, lastLink, openConversation, PatientBrowser, startGatewayFixture, until, verifyPatient, type GatewayFixture } from '../gateway/gateway-support.ts';

// Attacks on the patient page and its links, performed against the real gateway (real Prosody,
// real HTTPS, the real encrypted store). Each would succeed against a gateway without the defence.

const NAME = 'Zebulon Canaryname';
const DOB = '1961-11-23';
const TEXT = 'canary-text-7f3a results are ready';
let fx: GatewayFixture;
let alice: Account;
let n = 0;

/** A new conversation with its own number, a staff message sent, and the link delivered. */
async function conversationWithLink(phone = `+120255501${String(10 + n++).padStart(2, '0')}`): Promise<{ conversationId: string; room: string; phone: string }> {
  const { conversationId, room } = await openConversation(fx, alice, { name: NAME, phone, dateOfBirth: DOB });
  const before = fx.sms.messages.filter((m) => m.to === phone).length;
  alice.engine.send({ to: room, body: TEXT });
  await until(() => fx.sms.messages.filter((m) => m.to === phone).length > before, 15_000, 'link sms');
  return { conversationId, room, phone };
}

beforeAll(async () => {
  fx = await startGatewayFixture(SERVERS[0]!, { policy: { notifyCoalesceMinutes: 0 } });
  alice = await fx.staff('alice');
});
afterAll(async () => {
  await fx?.stop();
  await removeTempDirs();
});

describe('patient gateway attacks', () => {
  it('guessed and malformed link tokens open nothing, and every guess is audited', async () => {
    await conversationWithLink();
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const guesses = [...Array.from({ length: 50 }, () => randomBytes(32).toString('base64url')), 'short', '..%2F..%2Fetc%2Fpasswd', 'A'.repeat(43)];
    const bodies = new Set<string>();
    for (const token of guesses) {
      const r = await browser.get(`/p/${token}`);
      expect(r.status).toBe(404);
      expect(r.headers['set-cookie']).toBeUndefined();
      bodies.add(r.body);
    }
    expect(bodies.size).toBe(1);
    const denied = fx.gateway.ctx.store.db.prepare(`SELECT count(*) FROM audit WHERE record LIKE '%"patient.link_open"%"denied"%'`).pluck().get() as number;
    expect(denied).toBeGreaterThanOrEqual(guesses.length);
    // Only hashes are kept: no token from any SMS appears in the decrypted store.
    const tokens = fx.sms.messages.flatMap((m) => /\/p\/([A-Za-z0-9_-]{43})/.exec(m.body)?.[1] ?? []);
    expect(tokens.length).toBeGreaterThan(0);
    const dump = JSON.stringify(fx.gateway.ctx.store.db.prepare('SELECT hex(token_hash) AS h FROM links').all());
    for (const t of tokens) expect(dump).not.toContain(t);
    expect(tokens.every((t) => Buffer.from(t, 'base64url').length >= 16)).toBe(true);
  });

  it('a reply without the session CSRF token, or from another site, is refused and nothing reaches the room', async () => {
    const { phone, conversationId } = await conversationWithLink();
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const thread = await verifyPatient(fx, browser, phone, DOB);
    const cookie = (await browser.get('/t')).headers;
    expect(cookie['content-security-policy']).toMatch(/default-src 'none'/);
    const count = () => fx.gateway.ctx.store.messages(conversationId, 100).filter((m) => m.author === 'patient').length;
    expect((await browser.post('/t/reply', { text: 'forged-1' })).status).toBe(403);
    expect((await browser.post('/t/reply', { csrf: 'x'.repeat(43), text: 'forged-2' })).status).toBe(403);
    const csrf = PatientBrowser.csrf(thread);
    expect((await browser.post('/t/reply', { csrf, text: 'forged-3' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await browser.post('/t/reply', { csrf, text: 'forged-4' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(count()).toBe(0);
    expect((await browser.post('/t/reply', { csrf, text: 'genuine' })).status).toBe(303);
    expect(count()).toBe(1);
  });

  it('the session cookie is __Host-, HttpOnly, Secure and SameSite=Strict; redirects carry no PHI or token', async () => {
    const { phone } = await conversationWithLink();
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    const opened = await browser.get(lastLink(fx, phone));
    const set = String(opened.headers['set-cookie']);
    expect(set).toMatch(/^__Host-sw=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=900/);
    expect(opened.headers.location).toBe('/v');
  });

  it('five wrong dates of birth lock the link and the address until staff resend', async () => {
    const first = await conversationWithLink();
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    await browser.get(lastLink(fx, first.phone));
    let page = await browser.get('/v');
    for (let i = 1; i <= 5; i++) {
      const r = await browser.post('/v/dob', { csrf: PatientBrowser.csrf(page), dob: `1990-01-0${i}` });
      if (i < 5) {
        expect(r.status).toBe(422);
        expect(r.body).toContain(`Attempts left: ${5 - i}`);
        page = r;
      } else expect(r.status).toBe(403);
    }
    // The right date now opens nothing: the link is locked.
    const again = new PatientBrowser(fx.publicUrl, fx.ca);
    expect((await again.get(lastLink(fx, first.phone))).status).toBe(403);
    // A new link to the same number (another conversation) is locked too: the limit is per address.
    const second = await conversationWithLink(first.phone);
    expect((await again.get(lastLink(fx, first.phone))).status).toBe(403);
    const listed = await command(fx, alice, 'list', { status: 'all' });
    expect(listed.ok && listed.value.find((c) => c.conversationId === first.conversationId)?.link).toBe('locked');
    // Staff resend: a fresh link, the lock lifted, and the patient gets in.
    const resent = await command(fx, alice, 'resend', { conversationId: second.conversationId });
    expect(resent.ok && resent.value.link).toBe('active');
    const thread = await verifyPatient(fx, new PatientBrowser(fx.publicUrl, fx.ca), first.phone, DOB);
    expect(thread.body).toContain(TEXT);
  });

  it('an expired link and an idle session open nothing; a revoked link ends the session at once', async () => {
    const { phone, conversationId } = await conversationWithLink();
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    await verifyPatient(fx, browser, phone, DOB);
    fx.clock.offsetMs += 16 * 60_000; // past the 15-minute idle limit
    const idle = await browser.get('/t');
    expect(idle.status).toBe(401);
    expect(idle.body).toContain('signed out');
    await verifyPatient(fx, browser, phone, DOB);
    await command(fx, alice, 'revoke', { conversationId });
    // Revoking deletes the link's sessions: the cookie no longer opens anything.
    const revoked = await browser.get('/t');
    expect(revoked.status).toBe(401);
    expect(browser.cookie).toBeUndefined();
    const fresh = await conversationWithLink();
    fx.clock.offsetMs += 8 * 24 * 3_600_000; // past the 7-day link lifetime
    try {
      expect((await new PatientBrowser(fx.publicUrl, fx.ca).get(lastLink(fx, fresh.phone))).status).toBe(410);
    } finally {
      fx.clock.offsetMs = 0;
    }
  });

  it('hostile requests get clean errors and the service keeps answering', async () => {
    const browser = new PatientBrowser(fx.publicUrl, fx.ca);
    expect((await browser.request('PUT', '/t')).status).toBe(405);
    expect((await browser.request('DELETE', '/p/x')).status).toBe(405);
    expect((await browser.post('/v/dob', { dob: 'x'.repeat(40_000) })).status).toBe(413);
    expect((await browser.request('POST', '/t/reply', undefined, { 'content-type': 'application/json', origin: fx.publicUrl })).status).toBe(415);
    expect((await browser.get(`/${'a'.repeat(5000)}`)).status).toBe(400);
    expect((await browser.get('/%E0%A4%A')).status).toBe(404);
    browser.cookie = '__Host-sw=%00%00; other=1';
    expect((await browser.get('/t')).status).toBe(401);
    expect((await browser.post('/hooks/sms/status', { MessageSid: 'SMx', MessageStatus: 'delivered' })).status).toBe(403);
    const ok = await browser.get('/s.css');
    expect(ok.status).toBe(200);
  });

  it('names, dates of birth and message text never reach SMS bodies, the log, or the store file unencrypted', async () => {
    await conversationWithLink();
    fx.gateway.ctx.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const canaries = [NAME, 'Canaryname', DOB, '19611123', TEXT, 'canary-text-7f3a'];
    const files = [fx.logFile, fx.storeFile, `${fx.storeFile}-wal`].filter((f) => fs.existsSync(f));
    expect(fs.readFileSync(fx.logFile, 'utf8').length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const c of canaries) {
        expect(bytes.includes(Buffer.from(c, 'utf8')), `${c} in ${f}`).toBe(false);
        expect(bytes.includes(Buffer.from(c, 'utf16le')), `${c} (utf16) in ${f}`).toBe(false);
      }
    }
    for (const sms of fx.sms.messages) for (const c of canaries) expect(sms.body).not.toContain(c);
    for (const mail of fx.smtp.messages) for (const c of canaries) expect(mail.raw).not.toContain(c);
    expect(fx.gateway.ctx.audit.verify().ok).toBe(true);
  });
});
