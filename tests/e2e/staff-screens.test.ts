import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { DEMO_CLINIC_POLICY } from '../../electron/dev/workstation.ts';
import { startTestWorkstation } from '../support/workstation.ts';
import { launchChromium, type PageProblems } from '../support/chromium.ts';
import { SHOTS, chooseInSettings, chooseLanguage, inPageFocus, openApp, requireBuiltRenderer, signInAndSkipPin, startServer, type Staff, type TestWorkstation } from './helpers/sealwire.ts';

/**
 * My activity and Settings (issue 11) and the administrator's "Export compliance evidence" (issue 14), in
 * Chromium at 1366×768 against a real core and a real Prosody. The administrator is Ada: the
 * workstation's managed configuration names her address among the admins.
 */
const ADA: Staff = { username: 'ada', password: 'ada-pass-55190', displayName: 'Adaline Quorrister' };
const VIEW = { width: 1366, height: 768 };
const SIGN_IN_EVENTS = ['auth.sign_in', 'auth.sign_out', 'auth.failed', 'auth.lockout', 'auth.pin_set', 'auth.pin_destroyed', 'auth.password_change', 'profile.create', 'session.lock', 'session.unlock', 'session.switch_user'];

let prosody: ProsodyHandle;
let ws: TestWorkstation;
let browser: Browser;
let a: { page: Page; problems: PageProblems };

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `activity-${name}.png`) });
const events = (page: Page) => page.getByTestId('activity-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
const text = async (download: Download) => fs.readFile(await download.path(), 'utf8');

beforeAll(async () => {
  await requireBuiltRenderer();
  prosody = await startServer([{ username: ADA.username, password: ADA.password }]);
  const { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem } = prosody;
  ws = await startTestWorkstation('e2e-activity', {
    xmpp: { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem },
    adminJids: [`${ADA.username}@${domain}`],
  });
  browser = await launchChromium();
  a = await openApp(browser, ws, { viewport: VIEW, acceptDownloads: true });
  await signInAndSkipPin(a.page, ADA);
  // A few looks at the inbox and a lock/unlock cycle give the list something to show.
  await a.page.getByTestId('nav-activity').click();
  await a.page.getByTestId('activity-row').first().waitFor({ timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await ws?.close();
  await prosody?.stop();
});

describe('My activity', () => {
  it('reads one plain line per action, filters by kind and by date, and says when nothing matches', async () => {
    const page = a.page;
    expect(await events(page)).toEqual(expect.arrayContaining(['profile.create']));
    // Plain words, never a key.
    const what = await page.getByTestId('activity-what').allTextContents();
    expect(what.filter((w) => /^[a-zA-Z]+\.[a-z_]+/.test(w))).toEqual([]);
    await shot(page, 'list');

    await page.getByTestId('activity-kind').selectOption('signIn');
    await expect.poll(async () => (await events(page)).length).toBeGreaterThan(0);
    await expect.poll(async () => (await events(page)).every((e) => SIGN_IN_EVENTS.includes(e ?? ''))).toBe(true);

    await page.getByTestId('activity-kind').selectOption('files');
    await page.getByTestId('activity-empty').waitFor();
    expect(await page.getByTestId('activity-empty').textContent()).toBe('Nothing recorded matches these filters.');

    // Up to yesterday: nothing yet (everything happened today).
    await page.getByTestId('activity-clear').click();
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
    const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
    await page.getByTestId('activity-to').fill(day);
    await page.getByTestId('activity-empty').waitFor();
    await page.getByTestId('activity-clear').click();
    await page.getByTestId('activity-row').first().waitFor();
    expect(a.problems.errors).toEqual([]);
  });

  it('exports the staff member’s own activity as CSV, and the export is itself recorded', async () => {
    const page = a.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('activity-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^sealwire-my-activity-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await text(download);
    expect(csv.split('\n')[0]).toContain('seq');
    expect(csv).toContain('profile.create');
    expect(csv).not.toContain(ADA.displayName);
    await page.getByTestId('activity-export-done').waitFor();
    // A new look at the list shows the export.
    await page.getByTestId('activity-kind').selectOption('exports');
    await expect.poll(() => events(page)).toContain('audit.export');
    await page.getByTestId('activity-clear').click();
  });

  it('an administrator exports the compliance evidence: a self-contained report with this workstation’s checks, no PHI', async () => {
    const page = a.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evidence-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^sealwire-evidence-.+-\d{4}-\d{2}-\d{2}\.html$/);
    const html = await text(download);
    expect(html).toContain('164.312(a)(2)(iii) Automatic logoff');
    expect(html).toMatch(/Audit trail verify<\/th><td class="o-passed">verified, \d+ records/);
    expect(html).toContain('Exported from this workstation by an administrator.');
    for (const phi of [ADA.displayName, 'Adaline', 'Quorrister']) expect(html).not.toContain(phi);

    // It opens on its own, with nothing fetched.
    const viewer = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    viewer.on('request', (r) => requests.push(r.url()));
    viewer.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const saved = path.join(SHOTS, 'activity-evidence-report.html');
    await download.saveAs(saved);
    await viewer.goto(`file://${saved}`);
    expect(await viewer.title()).toMatch(/^Sealwire compliance evidence/);
    await viewer.setViewportSize(VIEW);
    await viewer.screenshot({ path: path.join(SHOTS, 'activity-evidence-report.png') });
    expect(errors).toEqual([]);
    expect(requests).toHaveLength(1);
    await viewer.close();

    await page.getByTestId('activity-kind').selectOption('exports');
    await expect.poll(() => events(page)).toContain('evidence.export');
    await page.getByTestId('activity-clear').click();
  });

  it('reads in Spanish', async () => {
    const page = a.page;
    await chooseLanguage(page, 'es');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mi actividad');
    expect(await page.getByTestId('activity-export').textContent()).toBe('Exportar mi actividad (CSV)');
    expect(await page.getByTestId('evidence-export').textContent()).toBe('Exportar evidencia de cumplimiento');
    await shot(page, 'list-es');
    await chooseLanguage(page, 'en');
    expect(a.problems.errors).toEqual([]);
  });
});

describe('Settings', () => {
  it('opens over the current screen with the display choices and the policy in plain words; closing returns focus', async () => {
    const page = a.page;
    await page.getByTestId('nav-activity').click();
    await page.getByTestId('nav-settings').click();
    const dialog = page.getByTestId('settings');
    await dialog.waitFor();
    // The side bar no longer holds the display controls; they are here.
    expect(await page.getByRole('navigation').getByTestId('language-select').count()).toBe(0);
    expect(await dialog.getByTestId('language-select').count()).toBe(1);
    expect(await dialog.getByTestId('theme-select').count()).toBe(1);
    expect(await page.getByTestId('setting-idleTimeoutMinutes').textContent()).toBe('Lock when nobody uses SealwireAfter 10 minutes');
    // The demo clinic's machine policy manages receipts and presence; the idle timeout is this profile's default.
    expect(await page.getByTestId('setting-idleTimeoutMinutes').getAttribute('data-managed')).toBe('false');
    await shot(page, 'settings');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await inPageFocus(page)).toBe('nav-settings');
    // The screen underneath is still the one that was open.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My activity');
  });

  it('shows what the organisation fixed as locked, "managed by your organisation", in English and Spanish, light and dark', async () => {
    const page = a.page;
    // Machine-managed policy as IT deploys it (registry, managed preferences, /etc/sealwire/policy.json).
    ws.core.policy.setLayer('machine', { idleTimeoutMinutes: 5, presence: true });
    try {
      await page.getByTestId('nav-settings').click();
      const idle = page.getByTestId('setting-idleTimeoutMinutes');
      await expect.poll(() => idle.getAttribute('data-managed')).toBe('true');
      expect(await idle.textContent()).toBe('Lock when nobody uses SealwireAfter 5 minutesManaged by your organisation');
      expect(await page.getByTestId('setting-presence').textContent()).toBe('Show when you are onlineOnManaged by your organisation');
      expect(await page.getByTestId('setting-managed').count()).toBe(2);
      await shot(page, 'settings-managed');
      await page.getByTestId('settings-close').click();

      await chooseInSettings(page, 'theme-select', 'dark');
      await chooseLanguage(page, 'es');
      await page.getByTestId('nav-settings').click();
      await expect.poll(() => idle.textContent()).toBe('Bloquear cuando nadie usa SealwireDespués de 5 minutosGestionado por su organización');
      await shot(page, 'settings-managed-es-dark');
      await page.getByTestId('settings-close').click();
      await chooseLanguage(page, 'en');
      await chooseInSettings(page, 'theme-select', 'system');
    } finally {
      ws.core.policy.setLayer('machine', DEMO_CLINIC_POLICY);
    }
    expect(a.problems.errors).toEqual([]);
  });
});

describe('Workstation status', () => {
  it('says in plain words what the top bar no longer shows before sign-in: the connection and the keychain', async () => {
    const page = a.page;
    await page.getByTestId('nav-status').click();
    await expect.poll(() => page.getByTestId('status-connection').textContent()).toBe('ConnectedThis window is talking to Sealwire’s own service on this computer.');
    expect(await page.getByTestId('status-keychain').textContent()).toContain('Encryption keys are kept in the system keychain.');
    await shot(page, 'status');
  });
});

describe('Idle warning', () => {
  it('counts down the last 30 seconds before the idle lock, and any input (or "Keep working") ends it', async () => {
    const page = a.page;
    // What the session controller emits 30 s before an idle lock (its timing is unit-tested with a fake clock).
    ws.core.events.emit('session.idleWarning', { locksAt: Date.now() + 30_000 });
    const warning = page.getByTestId('idle-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/it locks in (30|29|28) seconds\. Press any key to keep working\.Keep working$/);
    await shot(page, 'idle-warning');
    await page.getByTestId('idle-keep-working').click();
    await warning.waitFor({ state: 'detached' });
    // Main heard it: the session is still unlocked and the warning does not come back on its own.
    expect(ws.core.session.state().state).toBe('unlocked');
    expect(a.problems.errors).toEqual([]);
  });
});
