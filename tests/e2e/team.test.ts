import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageProblems } from '../support/chromium.ts';
import { SHOTS, openApp, signInAndSkipPin, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const ALICE: Staff = { username: 'alice', password: 'alice-pass-4821', displayName: 'Alice Moreno' };
const BOB: Staff = { username: 'bob', password: 'bob-pass-7310', displayName: 'Bob Okafor' };

let fixture: Stations | undefined;
let a: { page: Page; problems: PageProblems };
let b: { page: Page; problems: PageProblems };

beforeAll(async () => {
  fixture = await startStations(['e2e-rooms-a', 'e2e-rooms-b'], [ALICE, BOB], { directory: true });
  const [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [a, b] = await Promise.all([openApp(fixture.browser, wsA, { viewport: { width: 1366, height: 768 } }), openApp(fixture.browser, wsB, { viewport: { width: 1366, height: 768 } })]);
  await Promise.all([signInAndSkipPin(a.page, ALICE), signInAndSkipPin(b.page, BOB)]);
});

afterAll(async () => {
  await fixture?.close();
});

const roomEntry = (page: Page) => page.getByTestId('rooms-section').getByTestId('inbox-item').filter({ hasText: 'Front desk' });

/** Issue 11's front-desk features through two workstations and a real Prosody: rooms, urgent acknowledgements, quick replies. */
describe('team rooms through two workstations and a real Prosody', () => {
  it('create a room → invite a colleague → messages with names and receipts → unread counts → remove', async () => {
    // Alice creates the room (nobody chosen yet) from the Rooms section.
    await a.page.getByTestId('nav-new-room').click();
    await a.page.getByTestId('new-room').waitFor();
    await a.page.getByTestId('new-room-person').first().waitFor();
    await a.page.screenshot({ path: path.join(SHOTS, 'rooms-new.png') });
    await a.page.getByTestId('new-room-create').click();
    await expect.poll(() => a.page.getByTestId('new-room-name').getAttribute('aria-invalid')).toBe('true');
    await a.page.getByTestId('new-room-name').fill('Front desk');
    await a.page.getByTestId('new-room-create').click();
    await a.page.getByTestId('thread').waitFor({ timeout: 20_000 });
    expect(await a.page.locator('#thread-heading').textContent()).toBe('Front desk');
    await roomEntry(a.page).waitFor();

    // She invites Bob from the members panel: his workstation joins the room on its own.
    const members = a.page.getByTestId('room-members');
    await members.getByTestId('room-member').filter({ hasText: 'Owner' }).waitFor();
    await a.page.getByTestId('room-invite-pick').selectOption(`${BOB.username}@${fixture!.prosody.domain}`);
    await a.page.getByTestId('room-invite').click();
    await expect.poll(() => members.getByTestId('room-member').count(), { timeout: 15_000 }).toBe(2);
    await roomEntry(b.page).waitFor({ timeout: 20_000 });

    // Alice writes; the room's echo is its receipt ("Sent"); Bob sees it unread, with her name.
    await a.page.getByTestId('composer-input').fill('Room 2 is ready');
    await a.page.getByTestId('composer-input').press('Enter');
    const mine = a.page.getByTestId('message').filter({ hasText: 'Room 2 is ready' });
    await expect.poll(() => mine.getAttribute('data-state'), { timeout: 15_000 }).toBe('sent');
    await expect.poll(() => roomEntry(b.page).getAttribute('data-unread'), { timeout: 15_000 }).toBe('1');
    await b.page.screenshot({ path: path.join(SHOTS, 'rooms-inbox-unread.png') });
    await roomEntry(b.page).click();
    const received = b.page.getByTestId('message').filter({ hasText: 'Room 2 is ready' });
    await received.waitFor();
    expect(await received.textContent()).toContain('Alice Moreno');
    await expect.poll(() => roomEntry(b.page).getAttribute('data-unread')).toBe('0');

    // Bob answers; Alice (in the room) sees his name on it.
    await b.page.getByTestId('composer-input').fill('On my way');
    await b.page.getByTestId('composer-input').press('Enter');
    const answer = a.page.getByTestId('message').filter({ hasText: 'On my way' });
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Bob Okafor');
    await b.page.screenshot({ path: path.join(SHOTS, 'rooms-thread.png') });
    await a.page.screenshot({ path: path.join(SHOTS, 'rooms-thread-owner.png') });

    // Alice removes Bob: the room leaves his list.
    await members.getByTestId('room-member').filter({ hasText: 'Bob Okafor' }).getByTestId('room-member-remove').click();
    await expect.poll(() => roomEntry(b.page).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => members.getByTestId('room-member').count(), { timeout: 15_000 }).toBe(1);

    // And she leaves it herself.
    await a.page.getByTestId('room-leave').click();
    await a.page.getByTestId('room-leave-confirm').click();
    await a.page.getByTestId('workspace-home').waitFor();
    await expect.poll(() => roomEntry(a.page).count()).toBe(0);
    expect(a.problems.errors).toEqual([]);
    expect(b.problems.errors).toEqual([]);
  });
});

describe('urgent messages that get acknowledged', () => {
  it('urgent → an alert that stays → Acknowledge → the sender sees who and when; the title shows a number only', async () => {
    await a.page.getByTestId('nav-directory').click();
    await a.page.getByTestId('directory-address').fill(BOB.username);
    await a.page.getByTestId('directory-start').click();
    await a.page.getByTestId('composer-input').fill('Patient fell in waiting room 3');
    await a.page.getByTestId('composer-urgent').check();
    await a.page.getByTestId('composer-input').press('Enter');
    const sent = a.page.getByTestId('message').filter({ hasText: 'Patient fell' });
    await sent.getByTestId('not-acknowledged').waitFor({ timeout: 15_000 });

    // Bob is elsewhere in the app: the alert shows at the top of every screen until acknowledged.
    await b.page.getByTestId('nav-activity').click();
    const alert = b.page.getByTestId('urgent-alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('Alice Moreno');
    expect(await alert.textContent()).not.toContain('Patient fell');
    await expect.poll(() => b.page.title()).toBe('Sealwire (1)');
    await b.page.screenshot({ path: path.join(SHOTS, 'urgent-alert.png') });
    await b.page.getByTestId('nav-my-data').click();
    await alert.waitFor();

    await alert.getByTestId('urgent-acknowledge').click();
    await expect.poll(() => b.page.getByTestId('urgent-alert').count()).toBe(0);

    // Alice sees who acknowledged and when.
    const line = sent.getByTestId('acknowledged');
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toContain('Acknowledged by Bob Okafor');
    await a.page.screenshot({ path: path.join(SHOTS, 'urgent-acknowledged.png') });

    // Bob opens the chat: his copy says he acknowledged it; read, the title is plain again.
    await b.page.getByTestId('chats-section').getByTestId('inbox-item').first().click();
    await b.page.getByTestId('message').filter({ hasText: 'Patient fell' }).getByTestId('acknowledged').waitFor();
    expect(await b.page.getByTestId('message').filter({ hasText: 'Patient fell' }).getByTestId('acknowledged').textContent()).toContain('you');
    await expect.poll(() => b.page.title()).toBe('Sealwire');
    expect(a.problems.errors).toEqual([]);
    expect(b.problems.errors).toEqual([]);
  });
});

describe('quick replies', () => {
  it('save one’s own reply, then "/" opens the list, arrows and Enter insert it, Enter sends it', async () => {
    await a.page.getByTestId('chats-section').getByTestId('inbox-item').first().click();
    const box = a.page.getByTestId('composer-input');
    await box.fill('Your {time} patient has arrived');
    await a.page.getByTestId('quick-replies-save').click();
    await box.fill('Room 2 is ready for the next patient');
    await a.page.getByTestId('quick-replies-save').click();
    await box.fill('');

    // Keyboard only: "/" opens the list, typing filters, arrows move, Enter inserts.
    await box.press('/');
    await a.page.getByTestId('quick-replies').waitFor();
    expect(await a.page.getByTestId('quick-reply').count()).toBe(2);
    await a.page.screenshot({ path: path.join(SHOTS, 'quick-replies.png') });
    await box.press('ArrowDown');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Room 2 is ready for the next patient');
    expect(await a.page.getByTestId('quick-replies').count()).toBe(0);
    await box.press('Enter');
    await b.page.getByTestId('message').filter({ hasText: 'Room 2 is ready for the next patient' }).waitFor({ timeout: 15_000 });

    // A placeholder is selected after inserting, so typing replaces it.
    await box.press('/');
    await box.pressSequentially('arrived');
    await box.press('Enter');
    await box.pressSequentially('2 pm');
    expect(await box.inputValue()).toBe('Your 2 pm patient has arrived');
    expect(a.problems.errors).toEqual([]);
  });
});
