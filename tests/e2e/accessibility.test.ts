import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { openAccount, type Account } from '../integration/messaging-support.ts';
import { launchChromium } from '../support/chromium.ts';
import { seriousAxeFindings, type AxeFinding } from './helpers/axe.ts';
import {
  SHOTS,
  firstSignIn,
  nextLoad,
  openApp,
  requireBuiltRenderer,
  startServer,
  startStation,
  waitForWorkspace,
  type Staff,
  type TestWorkstation,
} from './helpers/sealwire.ts';

/**
 * Issue 11's accessibility bar: axe-core finds no serious or critical violation on any screen, in
 * light and dark; and every screen is photographed at 1366×768 and 1920×1080, English and Spanish,
 * light and dark (test-results/e2e/a11y-*.png, for people to look at).
 */
const DORA: Staff = { username: 'dora', password: 'dora-pass-5512', displayName: 'Dora Lindqvist' };
const EVE = { username: 'eve', password: 'eve-pass-6620' };

let prosody: ProsodyHandle;
let ws: TestWorkstation;
let browser: Browser;
let eve: Account;
let tmp: string;

beforeAll(async () => {
  await requireBuiltRenderer();
  prosody = await startServer([DORA, EVE].map(({ username, password }) => ({ username, password })));
  ws = await startStation('e2e-a11y', prosody);
  browser = await launchChromium();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sealwire-e2e-a11y-'));
  eve = await openAccount(prosody, { dir: tmp, username: EVE.username, password: EVE.password });
});

afterAll(async () => {
  await eve?.close();
  await browser?.close();
  await ws?.close();
  await prosody?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** axe over the screen as shown, light then dark; findings keyed by screen and scheme. */
async function audit(page: Page, screen: string, found: Record<string, AxeFinding[]>): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const findings = await seriousAxeFindings(page);
    if (findings.length > 0) found[`${screen} (${colorScheme})`] = findings;
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('accessibility and looks of every screen', () => {
  it('axe-core: no serious or critical violation on any screen, light and dark', async () => {
    const { page } = await openApp(browser, ws);
    const found: Record<string, AxeFinding[]> = {};

    // Before anyone signs in: the first sign-in form, the workstation status.
    await page.getByTestId('first-sign-in').waitFor({ timeout: 15_000 });
    await audit(page, 'first sign-in', found);
    await page.getByTestId('nav-status').click();
    await page.getByTestId('status-refresh').waitFor();
    await audit(page, 'status (signed out)', found);
    await page.getByTestId('nav-sign-in').click();

    await firstSignIn(page, DORA);
    await page.getByTestId('pin-setup').waitFor();
    await audit(page, 'PIN set-up', found);
    await page.getByTestId('pin-skip').click();
    await waitForWorkspace(page);
    await page.getByTestId('topbar-messaging').filter({ hasText: /^Online$/ }).waitFor({ timeout: 20_000 });
    await audit(page, 'home', found);

    // A colleague writes: inbox, thread (day separator, new-messages line, grouped run).
    const dora = `${DORA.username}@${prosody.domain}`;
    for (const body of ['Is room 3 free?', 'The 2 pm patient has arrived.', 'Chart MRN 004512 is on the desk.']) eve.engine.send({ to: dora, body });
    await expect.poll(() => page.getByTestId('inbox-item').first().getAttribute('data-unread'), { timeout: 20_000 }).toBe('3');
    await page.getByTestId('inbox-item').first().click();
    await page.getByTestId('thread-new-line').waitFor();
    await audit(page, 'thread', found);

    for (const [nav, testId] of [
      ['nav-directory', 'directory'],
      ['nav-activity', 'activity'],
      ['nav-my-data', 'my-data'],
      ['nav-status', 'status-refresh'],
    ] as const) {
      await page.getByTestId(nav).click();
      await page.getByTestId(testId).waitFor();
      await audit(page, testId, found);
    }
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('patient');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-hit').first().waitFor({ timeout: 10_000 });
    await audit(page, 'search', found);

    // Locked, then the picker after a switch of user.
    let reloaded = nextLoad(page);
    await page.getByTestId('lock-now').click();
    await reloaded;
    await page.getByTestId('lock-screen').waitFor({ timeout: 15_000 });
    await audit(page, 'lock screen', found);
    await page.getByTestId('password-field').fill(DORA.password);
    await page.getByTestId('password-submit').click();
    await waitForWorkspace(page);
    reloaded = nextLoad(page);
    await page.getByTestId('switch-user').click();
    await reloaded;
    await page.getByTestId('profile-picker').waitFor({ timeout: 15_000 });
    await audit(page, 'profile picker', found);

    expect(found).toEqual({});
    await page.context().close();
  });

  it('photographs the signed-in screens at 1366×768 and 1920×1080, English and Spanish, light and dark, with nothing clipped sideways', async () => {
    for (const locale of ['en-US', 'es-ES'] as const) {
      for (const viewport of [
        { width: 1366, height: 768 },
        { width: 1920, height: 1080 },
      ]) {
        const { page } = await openApp(browser, ws, { locale, viewport });
        // The person is at the picker (the test before, or the previous photograph switched user): sign in again.
        await page.getByTestId('profile-picker').or(page.getByTestId('password-field')).first().waitFor({ timeout: 15_000 });
        if (await page.getByTestId('profile-picker').isVisible()) await page.getByTestId('profile-item').click();
        await page.getByTestId('password-field').waitFor({ timeout: 15_000 });
        await page.getByTestId('password-field').fill(DORA.password);
        await page.getByTestId('password-submit').click();
        await waitForWorkspace(page);
        await page.getByTestId('inbox-item').first().click();
        await page.getByTestId('message').first().waitFor();
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          const name = `a11y-thread-${locale}-${viewport.width}-${colorScheme}.png`;
          await page.screenshot({ path: path.join(SHOTS, name) });
          expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), name).toBe(0);
        }
        const reloaded = nextLoad(page);
        await page.getByTestId('switch-user').click();
        await reloaded;
        await page.context().close();
      }
    }
  });
});
