import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT, RENDERER_DIST } from '../../../electron/dev/workstation.ts';
import { startProsody, type ProsodyHandle } from '../../../electron/dev/prosody/index.ts';
import { inPage, watchPage, type PageProblems } from '../../support/chromium.ts';
import { startTestWorkstation } from '../../support/workstation.ts';

export const SHOTS = path.join(REPO_ROOT, 'test-results/e2e');
export const VIEWPORT = { width: 1280, height: 800 };

export type TestWorkstation = Awaited<ReturnType<typeof startTestWorkstation>>;

export async function requireBuiltRenderer(): Promise<void> {
  await fs.access(path.join(RENDERER_DIST, 'index.html')).catch(() => {
    throw new Error('The renderer is not built. Run: npm run build:renderer   (npm test builds it first)');
  });
  await fs.mkdir(SHOTS, { recursive: true });
}

/**
 * A real Prosody on loopback with these accounts (HTTP upload only when a test sends files; a
 * staff directory of everyone when `directory` names them).
 */
export function startServer(
  users: Array<{ username: string; password: string }>,
  options: { httpUpload?: boolean; directory?: Array<{ username: string; name: string }> } = {},
): Promise<ProsodyHandle> {
  return startProsody({
    users,
    httpUpload: options.httpUpload ?? false,
    ...(options.directory ? { staffDirectory: { group: 'Clinic staff', members: options.directory } } : {}),
  });
}

/**
 * A workstation whose managed configuration names this Prosody (so the server field is read-only)
 * and, when given, the organisation's admin addresses.
 */
export function startStation(name: string, prosody: ProsodyHandle, adminJids?: readonly string[]): Promise<TestWorkstation> {
  const { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem } = prosody;
  return startTestWorkstation(name, {
    xmpp: { domain, host, c2sPort, directTlsPort, httpsPort, mucDomain, uploadDomain, caCertPath, caCertPem },
    ...(adminJids ? { adminJids: [...adminJids] } : {}),
  });
}

/** A fresh browser context (own storage) on the workstation's renderer, its problems recorded. */
export async function openApp(
  browser: Browser,
  ws: TestWorkstation,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; problems: PageProblems; sent: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', colorScheme: 'light', ...options });
  const page = await context.newPage();
  const problems = await watchPage(page);
  // Every frame the renderer sends over the bridge (method calls), across reloads.
  const sent: string[] = [];
  page.on('websocket', (socket) => socket.on('framesent', (frame) => sent.push(String(frame.payload))));
  await page.goto(ws.bridge.url);
  return { page, problems, sent };
}

export interface Staff {
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
}

/** First sign-in through the form; leaves the page on the PIN set-up step. */
export async function firstSignIn(page: Page, staff: Staff): Promise<void> {
  const form = page.getByTestId('first-sign-in');
  await form.waitFor({ timeout: 15_000 });
  await page.getByTestId('sign-in-username').fill(staff.username);
  await page.getByTestId('sign-in-password').fill(staff.password);
  await page.getByTestId('sign-in-display-name').fill(staff.displayName);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('pin-setup').waitFor({ timeout: 20_000 });
}

/** Presses the PIN's keys on the pad with the pointer, as a person at a touch kiosk would. */
export async function tapPin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
}

/** Waits for the signed-in workspace (the Lock now button is only there when unlocked). */
export async function waitForWorkspace(page: Page): Promise<void> {
  await page.getByTestId('lock-now').waitFor({ timeout: 40_000 });
}

/** Everything a person (or a later person at the same screen) could find in the page. */
export async function pageSurfaces(page: Page): Promise<string> {
  const dom = await page.content();
  const local = await inPage<string>(page, 'JSON.stringify(Object.entries(localStorage))');
  const session = await inPage<string>(page, 'JSON.stringify(Object.entries(sessionStorage))');
  const title = await page.title();
  return [dom, local, session, title].join('\n');
}

export function expectNone(haystack: string, needles: readonly string[]): void {
  const found = needles.filter((n) => haystack.includes(n));
  expect(found).toEqual([]);
}

/** Resolves once the page has reloaded (the renderer discards everything on lock). */
export function nextLoad(page: Page): Promise<void> {
  return page.waitForEvent('load', { timeout: 15_000 }).then(() => undefined);
}

/** First sign-in, skip the PIN step, and wait until messaging is online. */
export async function signInAndSkipPin(page: Page, staff: Staff): Promise<void> {
  await firstSignIn(page, staff);
  await page.getByTestId('pin-skip').click();
  await waitForWorkspace(page);
  await page.getByTestId('topbar-messaging').filter({ hasText: /^Online$/ }).waitFor({ timeout: 20_000 });
}

/** Theme and language live in Settings, a dialog over the current screen: open it, choose, close it. */
export async function chooseInSettings(page: Page, control: 'language-select' | 'theme-select', value: string): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId(control).selectOption(value);
  await page.getByTestId('settings-close').click();
  await page.getByTestId('settings').waitFor({ state: 'detached' });
}

export const chooseLanguage = (page: Page, language: 'en' | 'es') => chooseInSettings(page, 'language-select', language);

/** The test id of the element that has focus, or null. */
export const inPageFocus = (page: Page) => inPage<string | null>(page, 'document.activeElement?.dataset.testid ?? null');
