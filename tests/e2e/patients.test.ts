import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { launchChromium, type PageProblems } from '../support/chromium.ts';
import { SERVERS, type ServerFixture } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { postSigned } from '../../electron/dev/patient-sinks/sms-standin.ts';
import { lastCode, lastLink, startGatewayFixture, until, type GatewayFixture } from '../gateway/gateway-support.ts';
import { ACCOUNT_SID, AUTH_TOKEN, SENDER } from '../support/notify-fixture.ts';
import { SHOTS, openApp, requireBuiltRenderer, signInAndSkipPin, startStation, type Staff, type TestWorkstation } from './helpers/sealwire.ts';

/**
 * Issue 10 end to end: two front-desk workstations (real cores, real Prosody with the patient
 * gateway component), the real gateway with its loopback SMS stand-in, and the patient on a
 * 390×844 phone page in a third browser context.
 */
const ALICE: Staff = { username: 'alice', password: 'alice-pass-4821', displayName: 'Alice Moreno' };
const BOB: Staff = { username: 'bob', password: 'bob-pass-7310-x', displayName: 'Bob Okafor' };
const PHONE = '+12025550158';
const DOB = '1971-03-14';
const VIEW = { width: 1366, height: 768 };

// The gateway fixture makes the team's accounts; the desktop's first sign-in needs real-length passwords.
const passwords: Record<string, string> = { alice: ALICE.password, bob: BOB.password };
const prosody = SERVERS.find((s) => s.kind === 'prosody')!;
const withPasswords: ServerFixture = {
  ...prosody,
  start: (options = {}) => prosody.start({ ...options, users: (options.users ?? []).map((u) => ({ ...u, password: passwords[u.username] ?? u.password })) }),
};

let fx: GatewayFixture;
let browser: Browser;
const stations: TestWorkstation[] = [];
let a: { page: Page; problems: PageProblems };
let b: { page: Page; problems: PageProblems };
let phone: BrowserContext;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `patients-${name}.png`) });

beforeAll(async () => {
  await requireBuiltRenderer();
  fx = await startGatewayFixture(withPasswords);
  stations.push(...(await Promise.all(['e2e-pat-a', 'e2e-pat-b'].map((n) => startStation(n, fx.server as unknown as ProsodyHandle)))));
  browser = await launchChromium();
  [a, b] = await Promise.all([openApp(browser, stations[0]!, { viewport: VIEW }), openApp(browser, stations[1]!, { viewport: VIEW })]);
  await Promise.all([signInAndSkipPin(a.page, ALICE), signInAndSkipPin(b.page, BOB)]);
}, 180_000);

afterAll(async () => {
  await phone?.close();
  await browser?.close();
  await Promise.all(stations.map((s) => s.close()));
  await fx?.stop();
  await removeTempDirs();
});

async function openPatients(page: Page): Promise<void> {
  await page.getByTestId('nav-patients').click();
  await page.getByTestId('patients').waitFor();
}

describe('patient conversations across two front-desk workstations and a patient phone', () => {
  it('A sends, the patient opens the SMS link, verifies, reads and replies; A and B see it; B claims and answers', async () => {
    await openPatients(a.page);
    await a.page.getByTestId('patient-new').click();
    await a.page.getByTestId('patient-form').waitFor();
    // Plain-words validation before anything is sent.
    await a.page.getByTestId('patient-phone').fill('555 12');
    await a.page.getByTestId('patient-submit').click();
    await a.page.getByTestId('patient-name-error').waitFor();
    expect(await a.page.getByTestId('patient-phone-error').textContent()).toContain('not a mobile number');
    expect(await a.page.getByTestId('patient-consent-error').textContent()).toContain('agree');
    await shot(a.page, 'form-errors');

    await a.page.getByTestId('patient-name').fill('Rosa E2E-Canary');
    await a.page.getByTestId('patient-phone').fill(PHONE);
    await a.page.getByTestId('patient-dob').fill(DOB);
    await a.page.getByTestId('patient-consent').check();
    // A template with the first name filled in; the placeholders left must be replaced before sending.
    await a.page.getByTestId('patient-template').selectOption('org-reminder-en');
    expect(await a.page.getByTestId('patient-message').inputValue()).toContain('Hello Rosa, this is a reminder of your appointment on {date} at {time}.');
    await a.page.getByTestId('patient-submit').click();
    await a.page.getByTestId('patient-message-error').waitFor();
    await a.page.getByTestId('patient-message').fill('Hello Rosa, your appointment is tomorrow at 9:00 (e2e-msg-1).');
    await a.page.getByTestId('patient-submit').click();
    await a.page.getByTestId('patient-thread').waitFor({ timeout: 20_000 });
    await a.page.getByTestId('patient-entry').filter({ hasText: 'e2e-msg-1' }).waitFor({ timeout: 15_000 });

    // An internal note stays with staff.
    await a.page.getByTestId('patient-mode-note').check();
    await a.page.getByTestId('patient-text').fill('Prefers mornings (e2e-note-1)');
    await a.page.getByTestId('patient-send').click();
    await a.page.locator('[data-testid="patient-entry"][data-note="true"]').filter({ hasText: 'e2e-note-1' }).waitFor({ timeout: 15_000 });
    await until(() => fx.sms.messages.some((m) => m.to === PHONE), 20_000, 'the link SMS');
    const sms = fx.sms.messages.find((m) => m.to === PHONE)!;
    expect(sms.body).not.toMatch(/Rosa|E2E-Canary|1971|e2e-msg|e2e-note/);
    await expect.poll(() => a.page.getByTestId('patient-delivery').first().getAttribute('data-state'), { timeout: 20_000 }).toBe('delivered');
    await shot(a.page, 'thread-delivered');

    // The patient, on a phone.
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true, locale: 'en-US' });
    const p = await phone.newPage();
    await p.goto(`${fx.publicUrl}${lastLink(fx, PHONE)}`);
    await p.getByLabel('Date of birth').fill(DOB);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByLabel('Code').waitFor();
    await until(() => (() => { try { return lastCode(fx, PHONE).length === 6; } catch { return false; } })(), 15_000, 'the code SMS');
    await p.getByLabel('Code').fill(lastCode(fx, PHONE));
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('heading', { name: 'Your conversation' }).waitFor();
    expect(await p.content()).toContain('e2e-msg-1');
    expect(await p.content()).not.toContain('e2e-note-1');
    await p.screenshot({ path: path.join(SHOTS, 'patients-phone-thread.png') });
    await p.getByLabel('Your reply').fill('Can I come at 10 instead? <script>alert(1)</script>');
    await p.getByRole('button', { name: 'Send' }).click();
    await p.locator('.msg.mine').waitFor();

    // A's message reads "Read by the patient"; the reply is at A and at B, as text.
    await expect.poll(() => a.page.getByTestId('patient-delivery').first().getAttribute('data-state'), { timeout: 20_000 }).toBe('read');
    const replyAtA = a.page.locator('[data-testid="patient-entry"][data-author="patient"]');
    await replyAtA.waitFor({ timeout: 20_000 });
    expect(await replyAtA.locator('.patient-entry__body').textContent()).toBe('Can I come at 10 instead? <script>alert(1)</script>');
    await openPatients(b.page);
    const row = b.page.getByTestId('patient-row').filter({ hasText: 'Rosa E2E-Canary' });
    await expect.poll(() => row.getAttribute('data-waiting'), { timeout: 20_000 }).toBe('staff');
    await shot(b.page, 'inbox-waiting');
    await row.click();
    await b.page.locator('[data-testid="patient-entry"][data-author="patient"]').waitFor({ timeout: 20_000 });
    expect(await b.page.locator('[data-testid="patient-entry"][data-note="true"]').textContent()).toContain('e2e-note-1');

    // B claims it and answers; A sees who handles it; the patient reads the answer.
    await b.page.getByTestId('patient-claim').click();
    await expect.poll(() => b.page.getByTestId('patient-handler').textContent(), { timeout: 10_000 }).toBe('Handled by you');
    await b.page.getByTestId('patient-text').fill('Yes, 10:00 is fine (e2e-msg-2).');
    await b.page.getByTestId('patient-send').click();
    await b.page.getByTestId('patient-entry').filter({ hasText: 'e2e-msg-2' }).waitFor({ timeout: 15_000 });
    await shot(b.page, 'thread-claimed');
    await expect.poll(async () => (await p.reload(), await p.content()), { timeout: 20_000 }).toContain('e2e-msg-2');
    await openPatients(a.page);
    await expect.poll(() => a.page.getByTestId('patient-row-handler').first().textContent(), { timeout: 20_000 }).toContain('bob');
    // The conversation lives in the Patients section, not among the chats.
    expect(await a.page.getByTestId('inbox-item').count()).toBe(0);
    expect(await b.page.getByTestId('inbox-item').count()).toBe(0);
    for (const side of [a, b]) expect(side.problems.errors).toEqual([]);
  });

  it('a patient who texted STOP cannot be messaged: the form says so in plain words, and nothing is sent', async () => {
    const params = new URLSearchParams({ AccountSid: ACCOUNT_SID, MessageSid: `SM${'5'.repeat(32)}`, From: PHONE, To: SENDER, Body: 'STOP' });
    expect(await postSigned(`${fx.publicUrl}/hooks/sms/inbound`, params, AUTH_TOKEN, fx.ca)).toBe(200);
    const texts = fx.sms.messages.filter((m) => m.to === PHONE).length;
    await b.page.getByTestId('patient-new').click();
    await b.page.getByTestId('patient-name').fill('Rosa E2E-Canary');
    await b.page.getByTestId('patient-phone').fill(PHONE);
    await b.page.getByTestId('patient-dob').fill(DOB);
    await b.page.getByTestId('patient-consent').check();
    await b.page.getByTestId('patient-message').fill('Please call us (e2e-msg-3).');
    await b.page.getByTestId('patient-submit').click();
    const error = b.page.getByTestId('patient-form-error');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 20_000 }).toBe('opted_out');
    expect(await error.textContent()).toContain('This patient asked not to be contacted this way.');
    await shot(b.page, 'opted-out');
    // The shared inbox marks the conversation too (asked afresh with another filter).
    await b.page.getByTestId('patient-filter-all').click();
    await b.page.getByTestId('patient-row').filter({ hasText: 'Opted out' }).waitFor({ timeout: 20_000 });
    expect(fx.sms.messages.filter((m) => m.to === PHONE).length).toBe(texts);
  });
});
