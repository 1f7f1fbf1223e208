import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import type { AuditPage } from '../../shared/contract/index.ts';
import { inPage, type PageProblems } from '../support/chromium.ts';
import { CONTRAST_SCRIPT } from './helpers/contrast.ts';
import {
  SHOTS,
  openApp,
  waitForWorkspace,
  type Staff,
  type TestWorkstation,
  signInAndSkipPin,
  chooseLanguage,
} from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const ALICE: Staff = { username: 'alice', password: 'alice-pass-4821', displayName: 'Alice Moreno' };
const BOB: Staff = { username: 'bob', password: 'bob-pass-7310', displayName: 'Bob Okafor' };

let fixture: Stations | undefined;
let prosody: ProsodyHandle;
let wsA: TestWorkstation;
let wsB: TestWorkstation;
let browser: Browser;
let a: { page: Page; problems: PageProblems; sent: string[] };
let b: { page: Page; problems: PageProblems; sent: string[] };

beforeAll(async () => {
  // Two workstations = two devices, each with its own core, store and keychain service.
  fixture = await startStations(['e2e-msg-a', 'e2e-msg-b'], [ALICE, BOB]);
  ({ prosody, browser } = fixture);
  [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [a, b] = await Promise.all([openApp(browser, wsA), openApp(browser, wsB)]);
  await Promise.all([signInAndSkipPin(a.page, ALICE), signInAndSkipPin(b.page, BOB)]);
});

afterAll(async () => {
  await fixture?.close();
});

describe('two staff members messaging through two workstations and a real Prosody', () => {
  it('A writes, B sees it unread in the inbox and in the thread, B reading it shows "Read" to A', async () => {
    const first = 'Room 4 is ready for the next patient.';
    // A starts a chat from the directory screen by typing B's username.
    await a.page.getByTestId('nav-directory').click();
    await a.page.getByTestId('directory').waitFor();
    await a.page.screenshot({ path: path.join(SHOTS, 'messaging-directory.png') });
    await a.page.getByTestId('directory-address').fill(BOB.username);
    await a.page.getByTestId('directory-start').click();
    await a.page.getByTestId('thread').waitFor();
    expect(await a.page.locator('#thread-heading').textContent()).toBe('bob');

    const composer = a.page.getByTestId('composer-input');
    await composer.fill(first);
    await composer.press('Enter');
    const mine = a.page.getByTestId('message').filter({ hasText: first });
    await mine.waitFor({ timeout: 10_000 });
    expect(await composer.inputValue()).toBe('');

    // Shift+Enter is a new line; the urgent toggle marks the next message.
    await composer.pressSequentially('Line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    expect(await composer.inputValue()).toBe('Line one\nline two');
    await a.page.getByTestId('composer-urgent').check();
    await a.page.getByTestId('composer-send').click();
    await a.page.getByTestId('message').filter({ hasText: 'line two' }).waitFor();
    // The conversation now exists: it is in A's inbox, preview from A.
    await expect.poll(() => a.page.getByTestId('inbox-item').first().textContent()).toContain('You: Line one');

    // B: the inbox shows the conversation with 2 unread, previewing the newest text.
    const entry = b.page.getByTestId('inbox-item').first();
    await expect.poll(() => entry.getAttribute('data-unread'), { timeout: 20_000 }).toBe('2');
    expect(await entry.textContent()).toContain('Line one');
    expect(await entry.textContent()).toContain('alice');
    await b.page.screenshot({ path: path.join(SHOTS, 'messaging-inbox-unread.png') });

    // B opens it: both messages (text, newline kept, urgent badge), then it is marked read.
    await entry.click();
    const theirs = b.page.getByTestId('message');
    await expect.poll(() => theirs.count()).toBe(2);
    expect(await theirs.nth(0).getByTestId('message-body').textContent()).toBe(first);
    expect(await theirs.nth(1).getByTestId('message-body').textContent()).toBe('Line one\nline two');
    expect(await theirs.nth(1).getByTestId('message-urgent').textContent()).toBe('Urgent');
    expect(await theirs.nth(0).getByTestId('message-urgent').count()).toBe(0);
    await expect.poll(() => entry.getAttribute('data-unread'), { timeout: 10_000 }).toBe('0');
    await b.page.screenshot({ path: path.join(SHOTS, 'messaging-thread-b.png') });

    // A sees its newest message turn "Read" (B's read marker through the server, up to the newest shown).
    const states = a.page.getByTestId('message-state');
    await expect.poll(() => states.last().getAttribute('data-state'), { timeout: 20_000 }).toBe('read');
    expect(await states.last().textContent()).toBe('Read');
    expect(await states.first().getAttribute('data-state')).toMatch(/^(delivered|read)$/);
    await a.page.getByTestId('composer-input').fill('Draft being typed…');
    await a.page.screenshot({ path: path.join(SHOTS, 'messaging-thread-a-composer.png') });

    // B answers; A (on the thread) gets it live and it is read at once because A is looking.
    await b.page.getByTestId('composer-input').fill('On my way.');
    await b.page.getByTestId('composer-input').press('Enter');
    await a.page.getByTestId('message').filter({ hasText: 'On my way.' }).waitFor({ timeout: 20_000 });
    await expect
      .poll(() => b.page.getByTestId('message-state').last().getAttribute('data-state'), { timeout: 20_000 })
      .toBe('read');

    for (const side of [a, b]) {
      expect(await side.page.title()).toBe('Sealwire');
      expect(side.problems.errors).toEqual([]);
      expect(await side.problems.cspViolations()).toEqual([]);
    }
  });

  it('receiving 20 messages writes no audit record and asks for neither the inbox nor the thread; opening a conversation writes one', async () => {
    // B has the conversation with A open (the test before). What B's trail holds for B from now on:
    const newRecords = async (afterSeq: number) => {
      const page = await wsB.core.dispatcher.call('audit.myActivity', { limit: 500 }, { transport: 'bridge' });
      if (!page.ok) throw new Error(page.error.code);
      return (page.value as AuditPage).records.filter((r) => r.seq > afterSeq);
    };
    const start = (await newRecords(0))[0]?.seq ?? 0;
    const reads = () => b.sent.filter((f) => /"method":"(conversations\.inbox|conversations\.open|messages\.page)"/.test(f)).length;
    const readsBefore = reads();
    for (let i = 1; i <= 20; i++) {
      const result = await wsA.core.dispatcher.call('messaging.send', { to: `${BOB.username}@${prosody.domain}`, body: `live ${i}` }, { transport: 'bridge' });
      expect(result.ok).toBe(true);
    }
    await b.page.getByTestId('message').filter({ hasText: 'live 20' }).waitFor({ timeout: 20_000 });
    // The inbox row came with the events too (newest preview, nothing unread: B is looking).
    const row = b.page.getByTestId('inbox-item').first();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('live 20');
    await expect.poll(() => row.getAttribute('data-unread'), { timeout: 10_000 }).toBe('0');
    expect(reads()).toBe(readsBefore);
    expect(await newRecords(start)).toEqual([]);

    // Leaving and opening the conversation again: one conversation.open record, one ask.
    const framesBefore = b.sent.length;
    await b.page.getByTestId('nav-search').click();
    await b.page.getByTestId('search').waitFor();
    await row.click();
    await b.page.getByTestId('message').filter({ hasText: 'live 20' }).waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await newRecords(start)).map((r) => r.event)).toEqual(['conversation.open']);
    const asked = b.sent.slice(framesBefore).flatMap((f) => /"method":"(conversations\.inbox|conversations\.open|messages\.page)"/.exec(f)?.[1] ?? []);
    expect(asked).toEqual(['conversations.open']);
  });

  it('renders message text as text (no markup runs) and pages older history on scroll up', async () => {
    const hostile = '<img src=x onerror="window.__owned=1"><b>bold?</b>';
    await a.page.getByTestId('composer-input').fill(hostile);
    await a.page.getByTestId('composer-input').press('Enter');
    const shown = b.page.getByTestId('message-body').filter({ hasText: 'bold?' });
    await shown.waitFor({ timeout: 20_000 });
    expect(await shown.textContent()).toBe(hostile);
    expect(await shown.locator('img, b').count()).toBe(0);
    expect(await inPage(b.page, 'window.__owned ?? null')).toBeNull();

    // 60 more from A's engine (through its core, as the composer would), then B scrolls up for the rest.
    for (let i = 1; i <= 60; i++) {
      const result = await wsA.core.dispatcher.call('messaging.send', { to: `${BOB.username}@${prosody.domain}`, body: `history ${i}` }, { transport: 'bridge' });
      expect(result.ok).toBe(true);
    }
    await b.page.getByTestId('message').filter({ hasText: 'history 60' }).waitFor({ timeout: 30_000 });
    // Open the thread afresh: the newest page (50) first, the rest on scrolling up.
    await b.page.getByTestId('nav-activity').click();
    await b.page.getByTestId('inbox-item').first().click();
    const list = b.page.getByTestId('thread-messages');
    const loaded = () => list.getAttribute('data-loaded');
    await expect.poll(loaded).toBe('50');
    await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    await list.evaluate((el) => el.scrollTo(0, 0));
    await expect.poll(loaded, { timeout: 10_000 }).toBe('84');
    // Virtualised: only the rows near the viewport are in the DOM; the top of the thread is the first message.
    expect(await b.page.getByTestId('message').count()).toBeLessThan(50);
    await list.evaluate((el) => el.scrollTo(0, 0));
    await expect.poll(() => b.page.getByTestId('message').first().getByTestId('message-body').textContent()).toBe('Room 4 is ready for the next patient.');
    // One header per run: A's 60 messages in a row are drawn without repeating "alice".
    expect(await b.page.locator('.message--grouped').count()).toBeGreaterThan(0);
    expect(await b.page.getByTestId('thread-day').count()).toBeGreaterThan(0);
  });

  it('finds messages by their words and opens the conversation at the highlighted hit (bug 4)', async () => {
    await b.page.getByTestId('nav-search').click();
    await b.page.getByTestId('search-input').fill('ready patient');
    await b.page.getByTestId('search-submit').click();
    const hit = b.page.getByTestId('search-hit');
    await hit.first().waitFor({ timeout: 10_000 });
    expect(await hit.count()).toBe(1);
    expect(await hit.first().textContent()).toContain('Room 4 is');
    expect(await hit.first().locator('mark').allTextContents()).toEqual(['ready', 'patient']);
    await b.page.screenshot({ path: path.join(SHOTS, 'messaging-search.png') });
    await hit.first().click();
    await b.page.getByTestId('thread').waitFor();
    expect(await b.page.locator('#thread-heading').textContent()).toBe('alice');
    // The hit (the oldest of 84 messages) is on screen and highlighted, not the bottom of the thread.
    const shown = b.page.locator('[data-testid="message"][data-hit="true"]');
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.textContent()).toContain('Room 4 is ready for the next patient.');
    const inView = async () => {
      const box = (await b.page.getByTestId('thread-messages').boundingBox())!;
      const at = (await shown.boundingBox())!;
      return at.y >= box.y - 1 && at.y + at.height <= box.y + box.height + 1;
    };
    await expect.poll(inView, { timeout: 5_000 }).toBe(true);
    await b.page.screenshot({ path: path.join(SHOTS, 'messaging-search-hit.png') });
    // Back to the newest with one press.
    await b.page.getByTestId('jump-latest').click();
    await b.page.getByTestId('message-body').filter({ hasText: 'history 60' }).waitFor({ timeout: 10_000 });
  });

  it('meets AA text contrast on the inbox, thread and composer', async () => {
    const failures = await inPage<string[]>(b.page, CONTRAST_SCRIPT);
    expect(failures).toEqual([]);
  });

  it('holds the thread in Spanish on a 1024×700 kiosk without horizontal scrolling', async () => {
    await a.page.setViewportSize({ width: 1024, height: 700 });
    await chooseLanguage(a.page, 'es');
    await a.page.getByTestId('composer-send').filter({ hasText: 'Enviar' }).waitFor();
    expect(await a.page.getByTestId('lock-now').textContent()).toBe('Bloquear');
    expect(await a.page.getByTestId('message-state').last().textContent()).toMatch(/^(Entregado|Leído)$/);
    expect(await inPage(a.page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    // The smaller window still shows the newest message (the reader was at the bottom).
    await expect.poll(() => a.page.getByTestId('thread-messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    await a.page.screenshot({ path: path.join(SHOTS, 'messaging-thread-es-1024.png') });
    await chooseLanguage(a.page, 'en');
    await a.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out: the page reloads to the picker, and the person is no longer signed in', async () => {
    const reloaded = b.page.waitForEvent('load');
    await b.page.getByTestId('sign-out').click();
    await reloaded;
    await b.page.getByTestId('profile-picker').waitFor({ timeout: 15_000 });
    expect(await b.page.getByTestId('profile-item').allTextContents()).toEqual(['BOBob Okafor']);
    expect(await b.page.getByTestId('message').count()).toBe(0);
    const state = await wsB.core.dispatcher.call('session.state', {}, { transport: 'bridge' });
    expect(state.ok && (state.value as { state: string }).state).toBe('signed-out');

    // Back in with the password from the picker: the conversation is still there (it is on this computer).
    await b.page.getByTestId('profile-item').click();
    expect(await b.page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in as Bob Okafor');
    await b.page.getByTestId('password-field').fill(BOB.password);
    await b.page.getByTestId('password-submit').click();
    await waitForWorkspace(b.page);
    await expect.poll(() => b.page.getByTestId('inbox-item').first().textContent()).toContain('history 60');
  });

  it('says in plain words when the password was changed on the server, and takes the new one', async () => {
    // IT changes Alice's password on the server: remove and re-register the account (prosodyctl, while halted).
    const newPassword = 'alice-new-pass-9917';
    await prosody.halt();
    await promisify(execFile)('prosodyctl', ['--config', prosody.configPath, 'deluser', `${ALICE.username}@${prosody.domain}`], { cwd: prosody.dataDir });
    await prosody.restart();
    await prosody.register(ALICE.username, newPassword);

    // A's engine reconnects with the old password and is refused: the banner asks for the new one.
    const banner = a.page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-state')).toBe('auth_failed');
    expect(await banner.getByRole('heading').textContent()).toBe('Your password was changed on the server');
    expect(await a.page.getByTestId('topbar-messaging').textContent()).toBe('Password changed');
    // The banner pushes the thread down; the newest message stays in view.
    await expect.poll(() => a.page.getByTestId('thread-messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    await a.page.screenshot({ path: path.join(SHOTS, 'messaging-password-changed.png') });

    await a.page.getByTestId('update-password-field').fill('still-wrong');
    await a.page.getByTestId('update-password-submit').click();
    await a.page.getByTestId('update-password-error').waitFor({ timeout: 20_000 });
    expect(await a.page.getByTestId('update-password-error').getAttribute('data-code')).toBe('wrong_password');

    await a.page.getByTestId('update-password-field').fill(newPassword);
    // With the current password the vault follows; the store never kept either of them.
    await a.page.getByTestId('update-password-current').fill(ALICE.password);
    await a.page.getByTestId('update-password-submit').click();
    await a.page.getByTestId('topbar-messaging').filter({ hasText: /^Online$/ }).waitFor({ timeout: 30_000 });
    expect(await banner.count()).toBe(0);
    expect(a.problems.errors).toEqual([]);
  });
});
