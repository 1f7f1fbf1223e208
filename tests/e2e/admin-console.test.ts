import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../support/chromium.ts';
import { seriousAxeFindings, type AxeFinding } from './helpers/axe.ts';
import { SHOTS, openApp, signInAndSkipPin, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

/**
 * Issue 12's admin console in Chromium at 1366×768, two workstations and a real Prosody: Ines is
 * the organisation's admin (the managed configuration names her address), Dario is front desk.
 */
const INES: Staff = { username: 'ines', password: 'ines-pass-60213', displayName: 'Ines Calloway' };
const DARIO: Staff = { username: 'dario', password: 'dario-pass-71842', displayName: 'Dario Wendemuth' };
const VIEW = { width: 1366, height: 768 };

let fixture: Stations | undefined;
let admin: { page: Page; problems: PageProblems };
let desk: { page: Page; problems: PageProblems };

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `admin-${name}.png`), fullPage: true });
/** axe findings (serious/critical) on each console screen, light and dark: none expected. */
const findings: Record<string, AxeFinding[]> = {};
async function audit(page: Page, screen: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const found = await seriousAxeFindings(page);
    if (found.length > 0) findings[`${screen} (${colorScheme})`] = found;
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  fixture = await startStations(['e2e-admin-a', 'e2e-admin-b'], [INES, DARIO], { directory: true, admins: [INES.username] });
  const [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [admin, desk] = await Promise.all([openApp(fixture.browser, wsA, { viewport: VIEW }), openApp(fixture.browser, wsB, { viewport: VIEW })]);
  await Promise.all([signInAndSkipPin(admin.page, INES), signInAndSkipPin(desk.page, DARIO)]);
});

afterAll(async () => {
  await fixture?.close();
});

describe('the admin console', () => {
  it('is not offered to a staff member without the admin role', async () => {
    await desk.page.getByTestId('nav-activity').click();
    await desk.page.getByTestId('activity-row').first().waitFor({ timeout: 10_000 });
    await desk.page.getByTestId('activity-export').waitFor();
    expect(await desk.page.getByTestId('admin-console').count()).toBe(0);
  });

  it('opens only with the admin’s password again', async () => {
    const page = admin.page;
    await page.getByTestId('nav-activity').click();
    await page.getByTestId('admin-console').waitFor({ timeout: 10_000 });
    await page.getByTestId('admin-password').fill('not-my-password');
    await page.getByTestId('admin-enter').click();
    await page.getByTestId('admin-enter-error').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('admin-enter-error').getAttribute('data-code')).toBe('wrong_password');
    expect(await page.getByTestId('admin-staff').count()).toBe(0);
    await shot(page, 'enter-refused');
    await audit(page, 'enter');

    await page.getByTestId('admin-password').fill(INES.password);
    await page.getByTestId('admin-password').press('Enter');
    await page.getByTestId('admin-staff').waitFor({ timeout: 20_000 });
  });

  it('wipes a colleague named in the confirmation: the device acknowledges and says it was wiped by the organisation', async () => {
    const page = admin.page;
    const address = `${DARIO.username}@${fixture!.prosody.domain}`;
    await expect.poll(() => page.getByTestId('admin-staff').locator('option').allTextContents(), { timeout: 15_000 }).toContain(`${DARIO.displayName} (${address})`);
    await page.getByTestId('admin-staff').selectOption(address);
    await page.getByTestId('admin-action-wipe').check();
    await page.getByTestId('admin-command-next').click();
    const confirm = page.getByTestId('admin-confirm');
    expect(await confirm.textContent()).toContain(`${DARIO.displayName} (${address})`);
    // Until the address is typed exactly, nothing can be sent.
    expect(await page.getByTestId('admin-command-send').isDisabled()).toBe(true);
    await page.getByTestId('admin-confirm-address').fill('dario@elsewhere');
    expect(await page.getByTestId('admin-command-send').isDisabled()).toBe(true);
    await page.getByTestId('admin-confirm-address').fill(address);
    await shot(page, 'wipe-confirm');
    await audit(page, 'confirm');

    await page.getByTestId('admin-command-send').click();
    const acks = page.getByTestId('admin-acks');
    await acks.waitFor({ timeout: 20_000 });
    expect(await acks.textContent()).toContain(`Wipe of ${DARIO.displayName} (${address})`);
    expect(await acks.textContent()).toMatch(/: done/);
    await shot(page, 'wipe-acks');
    await audit(page, 'acks');

    await desk.page.getByTestId('wiped-by-organisation').waitFor({ timeout: 20_000 });
    expect(await desk.page.getByTestId('wiped-by-organisation').textContent()).toBe('This device was wiped by your organisation. Sign in to set it up again.');
    await desk.page.screenshot({ path: path.join(SHOTS, 'admin-wiped-station.png') });
  });

  it('has no serious or critical axe finding on its screens', () => {
    expect(findings).toEqual({});
  });

  it('closes when asked', async () => {
    await admin.page.getByTestId('admin-close').click();
    await admin.page.getByTestId('admin-password').waitFor();
    expect(admin.problems.errors).toEqual([]);
  });
});
