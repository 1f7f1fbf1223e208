import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, firstSignIn, inPageFocus, nextLoad, openApp, tapPin, waitForWorkspace, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const ANA: Staff = { username: 'ana', password: 'ana-correct-horse-1', displayName: 'Ana Rivera' };
const BEN: Staff = { username: 'ben', password: 'ben-battery-staple-22', displayName: 'Ben Okafor' };
const PINS = { ana: '480261', ben: '739164' };

let fixture: Stations | undefined;
let ws: TestWorkstation;
let browser: Browser;

beforeAll(async () => {
  fixture = await startStations(['e2e-shared'], [ANA, BEN]);
  ({ browser } = fixture);
  [ws] = fixture.stations as [TestWorkstation];
});

afterAll(async () => {
  await fixture?.close();
});

async function setPin(page: Awaited<ReturnType<typeof openApp>>['page'], pin: string): Promise<void> {
  await tapPin(page, pin);
  await page.getByTestId('pin-submit').click();
  await tapPin(page, pin);
  await page.getByTestId('pin-submit').click();
  await waitForWorkspace(page);
}

describe('two staff on one workstation, switching with their PINs', () => {
  it('keeps Ana locked with her PIN while Ben signs in, and brings her back with her PIN after a wrong one', async () => {
    const { page, problems } = await openApp(browser, ws);
    await firstSignIn(page, ANA);
    await setPin(page, PINS.ana);

    // Switch user: Ana is locked, and "someone else" signs in with a password.
    let reloaded = nextLoad(page);
    await page.getByTestId('switch-user').click();
    await reloaded;
    await page.getByTestId('profile-picker').waitFor({ timeout: 15_000 });
    await page.getByTestId('add-staff').click();
    await firstSignIn(page, BEN);
    await setPin(page, PINS.ben);

    reloaded = nextLoad(page);
    await page.getByTestId('switch-user').click();
    await reloaded;
    await page.getByTestId('profile-picker').waitFor({ timeout: 15_000 });
    // Both are locked with a live PIN window on this workstation.
    await expect.poll(() => page.getByTestId('profile-name').allTextContents()).toEqual(expect.arrayContaining([ANA.displayName, BEN.displayName]));
    expect(await page.getByTestId('profile-locked').allTextContents()).toEqual(['Locked — PIN', 'Locked — PIN']);
    await page.screenshot({ path: path.join(SHOTS, 'shared-picker.png') });

    // Ana picks herself: the PIN pad is shown first; a wrong PIN is refused and the field keeps focus.
    await page.getByTestId('profile-item').filter({ hasText: ANA.displayName }).click();
    await page.getByTestId('pin-pad').waitFor();
    expect(await page.getByTestId('lock-who').textContent()).toContain(ANA.displayName);
    await page.keyboard.type('111222');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('form-error').getAttribute('data-code'), { timeout: 10_000 }).toBe('wrong_pin');
    await expect.poll(() => inPageFocus(page)).toBe('pin-field');
    await page.screenshot({ path: path.join(SHOTS, 'shared-pin-pad.png') });
    await tapPin(page, PINS.ana);
    await page.getByTestId('pin-submit').click();
    await waitForWorkspace(page);
    const state = await ws.core.dispatcher.call('session.state', {}, { transport: 'bridge' });
    expect(state).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    expect(ws.core.session.parked()).toHaveLength(1);
    await page.screenshot({ path: path.join(SHOTS, 'shared-switched.png') });
    expect(problems.errors).toEqual([]);
    await page.context().close();
  });
});
