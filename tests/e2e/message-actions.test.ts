import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../support/chromium.ts';
import { openApp, SHOTS, signInAndSkipPin, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const GINA: Staff = { username: 'gina', password: 'gina-pass-3307', displayName: 'Gina Ortiz' };
const HUGO: Staff = { username: 'hugo', password: 'hugo-pass-9154', displayName: 'Hugo Brandt' };

let fixture: Stations | undefined;
let browser: Browser;
let a: { page: Page; problems: PageProblems };
let b: { page: Page; problems: PageProblems };

beforeAll(async () => {
  fixture = await startStations(['e2e-actions-a', 'e2e-actions-b'], [GINA, HUGO]);
  ({ browser } = fixture);
  const [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [a, b] = await Promise.all([openApp(browser, wsA, { viewport: { width: 1366, height: 768 } }), openApp(browser, wsB)]);
  await Promise.all([signInAndSkipPin(a.page, GINA), signInAndSkipPin(b.page, HUGO)]);
});

afterAll(async () => {
  await fixture?.close();
});

async function startChat(page: Page, address: string): Promise<void> {
  await page.getByTestId('nav-directory').click();
  await page.getByTestId('directory-address').fill(address);
  await page.getByTestId('directory-start').click();
  await page.getByTestId('thread').waitFor();
}

async function openActions(page: Page, text: string) {
  const message = page.getByTestId('message').filter({ hasText: text });
  await message.getByTestId('message-actions-toggle').click();
  return message;
}

describe('message actions through two workstations and a real Prosody', () => {
  it('edit and recall one’s own message: the colleague sees the correction, then that it was withdrawn', async () => {
    await startChat(a.page, HUGO.username);
    const composer = a.page.getByTestId('composer-input');
    await composer.fill('Your 2 pm patient is in room 2.');
    await composer.press('Enter');
    await a.page.getByTestId('message').filter({ hasText: 'room 2' }).getByTestId('message-state').filter({ hasText: /Sent|Delivered/ }).waitFor({ timeout: 20_000 });

    await b.page.getByTestId('inbox-item').first().waitFor({ timeout: 20_000 });
    await b.page.getByTestId('inbox-item').first().click();
    await b.page.getByTestId('message').filter({ hasText: 'room 2' }).waitFor({ timeout: 20_000 });

    // The actions button is a small icon beside the bubble, shown on hover (and on keyboard focus).
    const toggle = a.page.getByTestId('message').filter({ hasText: 'room 2' }).getByTestId('message-actions-toggle');
    await a.page.getByTestId('message').filter({ hasText: 'room 2' }).hover();
    await expect.poll(() => toggle.evaluate((el) => Number((el.ownerDocument.defaultView as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity))).toBe(1);
    // A small circle (in a 44 px target) beside the bubble, not a box inside it.
    expect((await toggle.locator('svg').boundingBox())!.height).toBeLessThanOrEqual(36);
    const bubble = (await a.page.getByTestId('message').filter({ hasText: 'room 2' }).boundingBox())!;
    const button = (await toggle.boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(bubble.x + 1);
    await a.page.screenshot({ path: path.join(SHOTS, 'actions-hover-1366.png') });

    // A edits: the text is corrected on both sides and marked "Edited".
    const mine = await openActions(a.page, 'room 2');
    await mine.getByTestId('action-edit').click();
    await mine.getByTestId('edit-input').fill('Your 2 pm patient is in room 3.');
    await a.page.screenshot({ path: path.join(SHOTS, 'actions-edit-1366.png') });
    await mine.getByTestId('edit-save').click();
    const corrected = b.page.getByTestId('message').filter({ hasText: 'room 3' });
    await corrected.waitFor({ timeout: 20_000 });
    expect(await corrected.textContent()).toContain('Edited');
    expect(await b.page.getByTestId('message').filter({ hasText: 'room 2' }).count()).toBe(0);
    await a.page.getByTestId('message').filter({ hasText: 'room 3' }).filter({ hasText: 'Edited' }).waitFor();

    // A recalls: the text is gone on both sides; B reads that it was withdrawn.
    const edited = await openActions(a.page, 'room 3');
    await edited.getByTestId('action-recall').click();
    await edited.getByTestId('recall-confirm').click();
    await b.page.getByTestId('message').filter({ hasText: 'withdrawn' }).waitFor({ timeout: 20_000 });
    expect(await b.page.getByTestId('message').filter({ hasText: 'room 3' }).count()).toBe(0);
    await a.page.getByTestId('message').filter({ hasText: 'withdrawn' }).waitFor();
    // B may not edit or recall A's message: those actions are not offered for it.
    await b.page.getByTestId('composer-input').fill('Thanks, on my way.');
    await b.page.getByTestId('composer-input').press('Enter');
    const theirs = await openActions(a.page, 'on my way');
    expect(await theirs.getByTestId('action-edit').count()).toBe(0);
    expect(await theirs.getByTestId('action-recall').count()).toBe(0);

    // Reply with quote: A answers B's message; B sees the quote above the answer.
    await theirs.getByTestId('action-reply').click();
    await a.page.getByTestId('composer-reply').waitFor();
    await composer.fill('Great.');
    await composer.press('Enter');
    const answer = b.page.getByTestId('message').filter({ hasText: 'Great.' });
    await answer.getByTestId('message-quote').filter({ hasText: 'Thanks, on my way.' }).waitFor({ timeout: 20_000 });
    await b.page.screenshot({ path: path.join(SHOTS, 'actions-reply-quote.png') });
    expect(a.problems.errors).toEqual([]);
    expect(b.problems.errors).toEqual([]);
  });

  it('a message to an address that does not exist fails with the reason in plain words, and Retry resends it by id', async () => {
    await startChat(a.page, 'nobody-here');
    await a.page.getByTestId('composer-input').fill('Are you there?');
    await a.page.getByTestId('composer-input').press('Enter');
    const failed = a.page.getByTestId('message').filter({ hasText: 'Are you there?' });
    await failed.getByTestId('message-failed').waitFor({ timeout: 20_000 });
    expect(await failed.getByTestId('message-failed').textContent()).toContain('does not exist');
    await a.page.screenshot({ path: path.join(SHOTS, 'actions-failed-reason-1366.png') });
    // Retry sends the same message again (no second copy in the thread); it fails again for the same reason.
    await failed.getByTestId('message-retry').click();
    await expect.poll(() => failed.getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
    expect(await a.page.getByTestId('message').filter({ hasText: 'Are you there?' }).count()).toBe(1);
  });
});
