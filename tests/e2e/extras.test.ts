import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_IPC_BYTES } from '../../shared/contract/index.ts';
import { inPage, type PageProblems } from '../support/chromium.ts';
import { CONTRAST_SCRIPT } from './helpers/contrast.ts';
import {
  SHOTS,
  nextLoad,
  openApp,
  tapPin,
  waitForWorkspace,
  type Staff,
  type TestWorkstation,
  signInAndSkipPin,
  chooseLanguage,
} from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const CARA: Staff = { username: 'cara', password: 'cara-pass-5172', displayName: 'Cara Lindqvist' };
const DEV: Staff = { username: 'dev', password: 'dev-pass-6630', displayName: 'Dev Raman' };
const PIN = '482916';

let fixture: Stations | undefined;
let wsA: TestWorkstation;
let wsB: TestWorkstation;
let browser: Browser;
let a: { page: Page; problems: PageProblems };
let b: { page: Page; problems: PageProblems };

beforeAll(async () => {
  fixture = await startStations(['e2e-extras-a', 'e2e-extras-b'], [CARA, DEV], { httpUpload: true });
  ({ browser } = fixture);
  [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [a, b] = await Promise.all([openApp(browser, wsA), openApp(browser, wsB)]);
  await Promise.all([signInAndSkipPin(a.page, CARA), signInAndSkipPin(b.page, DEV)]);
  // A opens a chat with B, which the remaining tests write into.
  await a.page.getByTestId('nav-directory').click();
  await a.page.getByTestId('directory-address').fill(DEV.username);
  await a.page.getByTestId('directory-start').click();
  await a.page.getByTestId('thread').waitFor();
});

afterAll(async () => {
  await fixture?.close();
});

describe('composer extras and the quick-unlock PIN, two workstations and a real Prosody', () => {
  it('sends a message with a patient tag; the tag shows on the other side and does not stick to the next message', async () => {
    const tag = a.page.getByTestId('composer-patient-tag');
    expect(await a.page.getByLabel('Patient tag (optional)').count()).toBe(1);
    await a.page.getByTestId('composer-input').fill('Bloods are back, please review.');
    await tag.fill('MRN 004471');
    await a.page.screenshot({ path: path.join(SHOTS, 'extras-composer-tag.png') });
    await a.page.getByTestId('composer-input').press('Enter');
    const mine = a.page.getByTestId('message').filter({ hasText: 'Bloods are back' });
    await mine.waitFor({ timeout: 10_000 });
    expect(await tag.inputValue()).toBe('');
    expect(await mine.getByTestId('message-patient').textContent()).toBe('PatientMRN 004471');

    await a.page.getByTestId('composer-input').fill('Thanks.');
    await a.page.getByTestId('composer-input').press('Enter');
    await a.page.getByTestId('message').filter({ hasText: 'Thanks.' }).waitFor({ timeout: 10_000 });

    const entry = b.page.getByTestId('inbox-item').first();
    await expect.poll(() => entry.getAttribute('data-unread'), { timeout: 20_000 }).toBe('2');
    await entry.click();
    const theirs = b.page.getByTestId('message');
    await expect.poll(() => theirs.count()).toBe(2);
    expect(await theirs.nth(0).getByTestId('message-patient').textContent()).toBe('PatientMRN 004471');
    expect(await theirs.nth(1).getByTestId('message-patient').count()).toBe(0);
  });

  it('attaches a file: progress, then name on both sides; a file over the limit is refused in plain words', async () => {
    // Over the contract's limit: refused in the renderer before anything is read or sent.
    await a.page.getByTestId('attach-input').setInputFiles({
      name: 'scan-too-big.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(MAX_ATTACHMENT_IPC_BYTES + 1024 * 1024),
    });
    const error = a.page.getByTestId('composer-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('“scan-too-big.pdf” is 26 MB. Files up to 25 MB can be sent.');
    await a.page.screenshot({ path: path.join(SHOTS, 'extras-attach-too-large.png') });

    // 2 MB: long enough on the wire that the progress line is seen, named, before the message lands.
    const content = Buffer.from('Potassium 4.1 mmol/L\n'.repeat(100_000));
    await a.page.getByTestId('attach-input').setInputFiles({ name: 'lab results.txt', mimeType: 'text/plain', buffer: content });
    const progress = a.page.getByTestId('attach-progress');
    await progress.waitFor({ timeout: 10_000 });
    expect(await progress.textContent()).toMatch(/^Sending lab results\.txt: \d{1,3}%$/);
    expect(await a.page.getByTestId('attach-file').isDisabled()).toBe(true);
    const mine = a.page.getByTestId('message-attachment').filter({ hasText: 'lab results.txt' });
    await mine.waitFor({ timeout: 20_000 });
    expect(await error.count()).toBe(0);
    expect(await a.page.getByTestId('attach-progress').count()).toBe(0);

    // B's core downloads and stores it; the thread then shows the file by name (text only, no link).
    const theirs = b.page.getByTestId('message-attachment').filter({ hasText: 'lab results.txt' });
    await theirs.waitFor({ timeout: 20_000 });
    expect(await theirs.getByTestId('attachment-name').textContent()).toBe('lab results.txt');
    await theirs.getByTestId('attachment-size').filter({ hasText: /^2(\.1)?\s?MB$/ }).waitFor({ timeout: 10_000 });
    // The inbox names the file instead of showing the upload address.
    await b.page.getByText('Attachment: lab results.txt').first().waitFor({ timeout: 10_000 });
    expect(await b.page.locator('nav').getByText(/https:\/\//).count()).toBe(0);
    expect(await b.page.getByTestId('thread').locator('a, img, iframe, object').count()).toBe(0);
    await b.page.screenshot({ path: path.join(SHOTS, 'extras-attachment-b.png') });
    expect(await inPage<string[]>(b.page, CONTRAST_SCRIPT)).toEqual([]);

    // Spanish on a 1024×700 kiosk: the composer's extra controls wrap instead of scrolling sideways.
    await b.page.setViewportSize({ width: 1024, height: 700 });
    await chooseLanguage(b.page, 'es');
    await b.page.getByTestId('attach-file').filter({ hasText: 'Adjuntar archivo' }).waitFor();
    expect(await b.page.getByLabel('Etiqueta de paciente (opcional)').count()).toBe(1);
    expect(await inPage(b.page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await b.page.screenshot({ path: path.join(SHOTS, 'extras-composer-es-1024.png') });
    await chooseLanguage(b.page, 'en');
    await b.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sets a PIN from "My data" (a trivial one is refused), then locks and unlocks with it', async () => {
    const page = a.page;
    await page.getByTestId('nav-my-data').click();
    const section = page.getByTestId('quick-pin');
    await section.waitFor();
    expect(await page.getByTestId('quick-pin-status').textContent()).toContain('You have no PIN');

    await page.getByTestId('quick-pin-field').fill('111111');
    await page.getByTestId('quick-pin-again').fill('111111');
    await page.getByTestId('quick-pin-submit').click();
    await expect.poll(() => page.getByTestId('quick-pin-error').textContent()).toContain('too easy to guess');
    expect(await page.getByTestId('quick-pin-field').inputValue()).toBe('');

    await page.getByTestId('quick-pin-field').fill(PIN);
    await page.getByTestId('quick-pin-again').fill('482917');
    await page.getByTestId('quick-pin-submit').click();
    expect(await page.getByTestId('quick-pin-error').textContent()).toContain('The two PINs are different');

    await page.getByTestId('quick-pin-field').fill(PIN);
    await page.getByTestId('quick-pin-again').fill(PIN);
    await page.getByTestId('quick-pin-submit').click();
    const saved = page.getByTestId('quick-pin-saved');
    await saved.waitFor({ timeout: 10_000 });
    expect(await saved.textContent()).toMatch(/^PIN saved\. It works until .*\d{1,2}:\d{2}/);
    expect(await page.getByTestId('quick-pin-error').count()).toBe(0);
    expect(await inPage<string[]>(page, CONTRAST_SCRIPT)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'extras-my-data-pin.png'), fullPage: true });

    const reloaded = nextLoad(page);
    await page.getByTestId('lock-now').click();
    await reloaded;
    await page.getByTestId('lock-screen').waitFor({ timeout: 15_000 });
    await page.getByTestId('pin-pad').waitFor();
    await tapPin(page, PIN);
    await page.getByTestId('pin-submit').click();
    await waitForWorkspace(page);

    for (const side of [a, b]) {
      expect(await side.page.title()).toBe('Sealwire');
      expect(side.problems.errors).toEqual([]);
      expect(await side.problems.cspViolations()).toEqual([]);
    }
  });
});
