import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPage, type PageProblems } from '../support/chromium.ts';
import { SHOTS, inPageFocus, openApp, signInAndSkipPin, waitForWorkspace, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { seriousAxeFindings } from './helpers/axe.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const IRIS: Staff = { username: 'iris', password: 'iris-pass-5120', displayName: 'Iris Keane' };
const JON: Staff = { username: 'jon', password: 'jon-pass-8843', displayName: 'Jon Pike' };
const KAI: Staff = { username: 'kai', password: 'kai-pass-2274', displayName: 'Kai Lund' };

let fixture: Stations | undefined;
let iris: { page: Page; problems: PageProblems };
let jon: { page: Page; problems: PageProblems };
let kai: { page: Page; problems: PageProblems };

/**
 * The page's desktop notifications, recorded: the browser's Notification API (an outside service
 * here) is replaced by one that counts, and the window never has focus, as when staff work in the
 * practice-management system. What decides (core's notifications.forMessage) is the real one.
 */
const RECORD_NOTIFICATIONS = `
  window.__notes = [];
  class Recorded { constructor(title, options) { window.__notes.push({ title, body: options && options.body }); } }
  Recorded.permission = 'granted';
  Recorded.requestPermission = async () => 'granted';
  window.Notification = Recorded;
  document.hasFocus = () => false;
`;

beforeAll(async () => {
  fixture = await startStations(['e2e-inbox-i', 'e2e-inbox-j', 'e2e-inbox-k'], [IRIS, JON, KAI]);
  const [wsI, wsJ, wsK] = fixture.stations as [TestWorkstation, TestWorkstation, TestWorkstation];
  [iris, jon, kai] = await Promise.all([
    openApp(fixture.browser, wsI, { viewport: { width: 1366, height: 768 } }),
    openApp(fixture.browser, wsJ),
    openApp(fixture.browser, wsK),
  ]);
  await iris.page.context().addInitScript(RECORD_NOTIFICATIONS);
  await iris.page.reload();
  await Promise.all([signInAndSkipPin(iris.page, IRIS), signInAndSkipPin(jon.page, JON), signInAndSkipPin(kai.page, KAI)]);
});

afterAll(async () => {
  await fixture?.close();
});

// Named "jon" until the colleague's published display name ("Jon Pike") arrives.
const row = (page: Page, name: string) => page.getByTestId('inbox-item').filter({ hasText: new RegExp(name, 'i') });
const notes = () => inPage<number>(iris.page, 'window.__notes.length');

async function say(page: Page, to: string, text: string): Promise<void> {
  await page.getByTestId('nav-directory').click();
  await page.getByTestId('directory-address').fill(to);
  await page.getByTestId('directory-start').click();
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
  await page.getByTestId('message').filter({ hasText: text }).waitFor({ timeout: 20_000 });
}

describe('inbox actions: pin, mute, mark unread (Chromium, real core, real Prosody)', () => {
  it('pin moves a conversation to the top and it stays there after a reload', async () => {
    await say(jon.page, IRIS.username, 'Jon here: lab results are in.');
    await row(iris.page, 'jon').waitFor({ timeout: 20_000 });
    await say(kai.page, IRIS.username, 'Kai here: room 4 is free.');
    await expect.poll(() => iris.page.getByTestId('inbox-item').first().textContent(), { timeout: 20_000 }).toMatch(/kai/i);

    // By keyboard: focus Jon's row, Shift+F10 opens its menu with the first item focused.
    await row(iris.page, 'jon').focus();
    await iris.page.keyboard.press('Shift+F10');
    await iris.page.getByRole('menu').waitFor();
    expect(await inPageFocus(iris.page)).toBe('inbox-action-pin');
    await iris.page.screenshot({ path: path.join(SHOTS, 'inbox-actions-menu-1366.png') });
    expect(await seriousAxeFindings(iris.page)).toEqual([]);
    await iris.page.keyboard.press('Enter');
    await expect.poll(() => iris.page.getByTestId('inbox-item').first().getAttribute('data-pinned')).toBe('true');
    expect(await iris.page.getByTestId('inbox-item').first().textContent()).toMatch(/jon/i);
    // Focus went back to the row's actions button; the menu is closed.
    expect(await inPageFocus(iris.page)).toBe('inbox-row-actions');
    expect(await iris.page.getByRole('menu').count()).toBe(0);

    // Kai writes again: newer, but the pinned conversation stays on top.
    await kai.page.getByTestId('composer-input').fill('Kai again: and room 5.');
    await kai.page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => row(iris.page, 'kai').getAttribute('data-unread'), { timeout: 20_000 }).toBe('2');
    expect(await iris.page.getByTestId('inbox-item').first().textContent()).toMatch(/jon/i);

    await iris.page.reload();
    await waitForWorkspace(iris.page);
    await row(iris.page, 'jon').waitFor({ timeout: 20_000 });
    expect(await iris.page.getByTestId('inbox-item').first().getAttribute('data-pinned')).toBe('true');
    expect(await iris.page.getByTestId('inbox-item').first().textContent()).toMatch(/jon/i);
    await iris.page.screenshot({ path: path.join(SHOTS, 'inbox-pinned-1366.png') });
  });

  it('a muted conversation raises no notification (an unmuted one does), shows the muted icon and keeps its badge', async () => {
    await expect.poll(() => inPage<string>(iris.page, 'document.title')).toMatch(/^Sealwire/);
    const before = await notes();
    await kai.page.getByTestId('composer-input').fill('Kai: a third note.');
    await kai.page.getByTestId('composer-input').press('Enter');
    await expect.poll(notes, { timeout: 20_000 }).toBe(before + 1);

    // Right-click opens the same menu; mute Kai.
    await row(iris.page, 'kai').click({ button: 'right' });
    await iris.page.getByTestId('inbox-action-mute').click();
    await row(iris.page, 'kai').getByTestId('inbox-muted').waitFor();
    const unread = Number(await row(iris.page, 'kai').getAttribute('data-unread'));

    await kai.page.getByTestId('composer-input').fill('Kai: a fourth note, muted.');
    await kai.page.getByTestId('composer-input').press('Enter');
    await expect.poll(() => row(iris.page, 'kai').getAttribute('data-unread'), { timeout: 20_000 }).toBe(String(unread + 1));
    // The message has arrived and been counted; give a notification the time it would take, then check none came.
    await iris.page.waitForTimeout(1500);
    expect(await notes()).toBe(before + 1);
    // Its badge stays, but the window title does not count a muted conversation.
    expect(await row(iris.page, 'kai').getByTestId('inbox-unread').count()).toBe(1);
    const counted = Number(await row(iris.page, 'jon').getAttribute('data-unread'));
    expect(await inPage<string>(iris.page, 'document.title')).toBe(counted > 0 ? `Sealwire (${counted})` : 'Sealwire');
    // Pinned and muted rows, light and dark: nothing serious for axe.
    expect(await seriousAxeFindings(iris.page)).toEqual([]);
    await iris.page.emulateMedia({ colorScheme: 'dark' });
    await iris.page.screenshot({ path: path.join(SHOTS, 'inbox-muted-dark-1366.png') });
    expect(await seriousAxeFindings(iris.page)).toEqual([]);
    await iris.page.emulateMedia({ colorScheme: 'light' });
  });

  it('mark unread brings back the badge, the bold row and the "new messages" line', async () => {
    await row(iris.page, 'jon').click();
    await iris.page.getByTestId('message').filter({ hasText: 'lab results' }).waitFor();
    await expect.poll(() => row(iris.page, 'jon').getAttribute('data-unread')).toBe('0');

    await row(iris.page, 'jon').focus();
    await iris.page.keyboard.press('Tab');
    expect(await inPageFocus(iris.page)).toBe('inbox-row-actions');
    await iris.page.keyboard.press('Enter');
    await iris.page.getByTestId('inbox-action-unread').click();
    await expect.poll(() => row(iris.page, 'jon').getAttribute('data-unread'), { timeout: 10_000 }).toBe('1');
    const weight = await inPage<string>(iris.page, `getComputedStyle(document.querySelector('[data-pinned] .inbox-list__title')).fontWeight`);
    expect(Number(weight)).toBeGreaterThanOrEqual(600);

    // Opened from elsewhere, the thread shows the line before that message.
    await row(iris.page, 'kai').click();
    await row(iris.page, 'jon').click();
    await iris.page.getByTestId('thread-new-line').waitFor({ timeout: 10_000 });
    for (const p of [iris, jon, kai]) expect(p.problems.errors).toEqual([]);
  });

  it('edit, recall and reply with a quote in a team room: the other member sees each', async () => {
    // Iris creates a room and invites Jon (a contact by now, so he is in her list of people).
    await iris.page.getByTestId('nav-new-room').click();
    await iris.page.getByTestId('new-room-name').fill('Reception');
    await iris.page.getByTestId('new-room-person').filter({ hasText: /jon/i }).locator('input').check();
    await iris.page.getByTestId('new-room-create').click();
    await iris.page.getByTestId('thread').waitFor({ timeout: 20_000 });
    const roomAtJon = jon.page.getByTestId('rooms-section').getByTestId('inbox-item').filter({ hasText: 'Reception' });
    await roomAtJon.waitFor({ timeout: 20_000 });

    await iris.page.getByTestId('composer-input').fill('Your 3 pm is in room 2.');
    await iris.page.getByTestId('composer-input').press('Enter');
    const mine = iris.page.getByTestId('message').filter({ hasText: 'room 2' });
    await expect.poll(() => mine.getAttribute('data-state'), { timeout: 15_000 }).toBe('sent');
    await roomAtJon.click();
    await jon.page.getByTestId('message').filter({ hasText: 'room 2' }).waitFor({ timeout: 20_000 });

    // Iris edits: Jon sees the corrected text marked "Edited", in place (not a second message).
    await mine.hover();
    await mine.getByTestId('message-actions-toggle').click();
    await mine.getByTestId('action-edit').click();
    await mine.getByTestId('edit-input').fill('Your 3 pm is in room 4.');
    await mine.getByTestId('edit-save').click();
    const corrected = jon.page.getByTestId('message').filter({ hasText: 'room 4' });
    await corrected.waitFor({ timeout: 20_000 });
    expect(await corrected.textContent()).toContain('Edited');
    expect(await jon.page.getByTestId('message').filter({ hasText: 'room 2' }).count()).toBe(0);

    // Jon replies with a quote; Iris sees the quote above his answer.
    await corrected.hover();
    await corrected.getByTestId('message-actions-toggle').click();
    await corrected.getByTestId('action-reply').click();
    await jon.page.getByTestId('composer-input').fill('On my way.');
    await jon.page.getByTestId('composer-input').press('Enter');
    const reply = iris.page.getByTestId('message').filter({ hasText: 'On my way.' });
    await reply.getByTestId('message-quote').filter({ hasText: 'room 4' }).waitFor({ timeout: 20_000 });

    // Iris recalls her message: Jon reads that it was withdrawn, and its text is gone.
    const edited = iris.page.getByTestId('message').filter({ hasText: 'room 4' }).filter({ hasNot: iris.page.getByTestId('message-quote') });
    await edited.hover();
    await edited.getByTestId('message-actions-toggle').click();
    await edited.getByTestId('action-recall').click();
    await edited.getByTestId('recall-confirm').click();
    await jon.page.getByTestId('message').filter({ hasText: 'withdrawn' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => jon.page.getByTestId('message-body').filter({ hasText: 'room 4' }).count()).toBe(0);
    await jon.page.screenshot({ path: path.join(SHOTS, 'rooms-edit-recall.png') });
    for (const p of [iris, jon]) expect(p.problems.errors).toEqual([]);
  });
});
