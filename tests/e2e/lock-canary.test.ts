import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import {
  SHOTS,
  expectNone,
  firstSignIn,
  nextLoad,
  openApp,
  pageSurfaces,
  waitForWorkspace,
  type Staff,
  type TestWorkstation,
} from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

// A (carla) reads the canaries; C (erin) sends them from another workstation; B (dev) uses A's
// workstation afterwards and must never see any of them.
const A: Staff = { username: 'carla', password: 'carla-pass-5512', displayName: 'Carla Nuñez' };
const B: Staff = { username: 'dev', password: 'dev-pass-9034', displayName: 'Dev Patel' };
const C: Staff = { username: 'erin', password: 'erin-pass-2277', displayName: 'Erin Walsh' };

const NAME = 'Zelphine Quarrington';
const MRN = 'MRN-7Q4-88213';
const PHONE = '555-0199-4821';
const TAG = 'PT-CANARY-6620';
const CANARIES = [NAME, MRN, PHONE, TAG];

let fixture: Stations | undefined;
let prosody: ProsodyHandle;
let ws1: TestWorkstation;
let ws2: TestWorkstation;
let browser: Browser;

beforeAll(async () => {
  fixture = await startStations(['e2e-canary-1', 'e2e-canary-2'], [A, B, C]);
  ({ prosody, browser } = fixture);
  [ws1, ws2] = fixture.stations as [TestWorkstation, TestWorkstation];
});

afterAll(async () => {
  await fixture?.close();
});

describe('nothing of a patient stays in the renderer after lock or user switch', () => {
  it('drops every canary from DOM, storage and title on lock, and B on the same workstation never sees A’s', async () => {
    const a = await openApp(browser, ws1);
    const c = await openApp(browser, ws2);
    await Promise.all([firstSignIn(a.page, A), firstSignIn(c.page, C)]);
    await Promise.all([a.page.getByTestId('pin-skip').click(), c.page.getByTestId('pin-skip').click()]);
    await Promise.all([waitForWorkspace(a.page), waitForWorkspace(c.page)]);
    await c.page.getByTestId('topbar-messaging').filter({ hasText: /^Online$/ }).waitFor({ timeout: 20_000 });

    // C writes to A through the composer, and once more with a patient tag through its real engine.
    await c.page.getByTestId('nav-directory').click();
    await c.page.getByTestId('directory-address').fill(A.username);
    await c.page.getByTestId('directory-start').click();
    await c.page.getByTestId('composer-input').fill(`Please call ${NAME} back on ${PHONE} about ${MRN}.`);
    await c.page.getByTestId('composer-input').press('Enter');
    const tagged = await ws2.core.dispatcher.call(
      'messaging.send',
      { to: `${A.username}@${prosody.domain}`, body: `Lab results are in for ${NAME}.`, patientTag: TAG, priority: 'urgent' },
      { transport: 'bridge' },
    );
    expect(tagged.ok).toBe(true);

    // A opens it: the canaries are on screen (so the checks below can fail).
    const entry = a.page.getByTestId('inbox-item').first();
    await expect.poll(() => entry.getAttribute('data-unread'), { timeout: 20_000 }).toBe('2');
    await entry.click();
    await a.page.getByTestId('message-patient').waitFor({ timeout: 10_000 });
    const open = await pageSurfaces(a.page);
    for (const canary of CANARIES) expect(open).toContain(canary);
    await a.page.screenshot({ path: path.join(SHOTS, 'canary-open.png') });

    // Lock (button): the page reloads and only the lock screen is left.
    const reloaded = nextLoad(a.page);
    await a.page.getByTestId('lock-now').click();
    await reloaded;
    await a.page.getByTestId('lock-screen').waitFor({ timeout: 15_000 });
    const locked = await pageSurfaces(a.page);
    expectNone(locked, CANARIES);
    expectNone(locked, ['Please call', 'Lab results']);
    expect(await a.page.title()).toBe('Sealwire');
    await a.page.screenshot({ path: path.join(SHOTS, 'canary-locked.png') });

    // Switch user from the lock screen: B signs in for the first time on A's workstation.
    await a.page.getByTestId('lock-switch-user').click();
    await a.page.getByTestId('profile-picker').waitFor();
    expectNone(await pageSurfaces(a.page), CANARIES);
    await a.page.getByTestId('add-staff').click();
    await firstSignIn(a.page, B);
    await a.page.getByTestId('pin-skip').click();
    await waitForWorkspace(a.page);
    await a.page.getByTestId('topbar-messaging').filter({ hasText: /^Online$/ }).waitFor({ timeout: 20_000 });
    expect(await a.page.getByTestId('workspace-home').textContent()).toContain(B.displayName);
    // B's own inbox (synced from the server) has loaded; nothing of A's is anywhere in the page.
    await a.page.getByText('No conversations yet.', { exact: false }).waitFor({ timeout: 10_000 });
    for (const screen of ['nav-activity', 'nav-directory', 'nav-status'] as const) {
      await a.page.getByTestId(screen).click();
      expectNone(await pageSurfaces(a.page), CANARIES);
    }
    await a.page.screenshot({ path: path.join(SHOTS, 'canary-after-switch.png') });

    // B removes their own data from this workstation (password to confirm): back to the picker, only A left
    // (A's session ended when B signed in, so A is no longer shown as locked).
    await a.page.getByTestId('nav-my-data').click();
    await a.page.getByTestId('wipe-password').fill('not-it');
    await a.page.getByTestId('wipe-submit').click();
    // The password check runs a key derivation in the core: allow for a loaded machine (poll's default is 1 s).
    await expect.poll(() => a.page.getByTestId('wipe-error').getAttribute('data-code'), { timeout: 10_000 }).toBe('wrong_password');
    await a.page.screenshot({ path: path.join(SHOTS, 'canary-my-data.png') });
    const wiped = nextLoad(a.page);
    await a.page.getByTestId('wipe-password').fill(B.password);
    await a.page.getByTestId('wipe-submit').click();
    await wiped;
    await a.page.getByTestId('profile-picker').waitFor({ timeout: 15_000 });
    expect(await a.page.getByTestId('profile-item').allTextContents()).toEqual(['CNCarla Nuñez']);

    for (const side of [a, c]) {
      expect(side.problems.errors).toEqual([]);
      expect(await side.problems.cspViolations()).toEqual([]);
    }
  });
});
