import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemStatus } from '../../shared/contract/index.ts';
import { PROFILE_META_FILE, profileDir } from '../../electron/core/paths.ts';
import { REPO_ROOT, RENDERER_DIST } from '../../electron/dev/workstation.ts';
import { inPage, launchChromium, watchPage, type PageProblems } from '../support/chromium.ts';
import { startTestWorkstation } from '../support/workstation.ts';
import { CONTRAST_SCRIPT } from './helpers/contrast.ts';
import { startWorkstationWithoutKeychain } from './helpers/no-keychain-workstation.ts';
import { measurePng } from './helpers/png.ts';
import { chooseInSettings, chooseLanguage } from './helpers/sealwire.ts';

const SHOTS = path.join(REPO_ROOT, 'test-results/e2e');
const VIEWPORT = { width: 1280, height: 800 };

type TestWorkstation = Awaited<ReturnType<typeof startTestWorkstation>>;
let ws: TestWorkstation;
let browser: Browser;

async function realStatus(): Promise<SystemStatus> {
  const result = await ws.core.dispatcher.call('system.status', {}, { transport: 'bridge' });
  if (!result.ok) throw new Error(`system.status failed: ${result.error.code}`);
  return result.value as SystemStatus;
}

/** Signed out, the app starts on sign-in; the status screen is one click away in the navigation. */
async function showStatus(page: Page): Promise<void> {
  await page.getByTestId('nav-status').click({ timeout: 15_000 });
}

/** A fresh browser context (own storage) with the shell loaded on the status screen and its problems recorded. */
async function openShell(
  options: BrowserContextOptions = {},
  url = ws.bridge.url,
  status = true,
): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', ...options });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.goto(url);
  if (status) await showStatus(page);
  return { page, problems };
}

beforeAll(async () => {
  await fs.access(path.join(RENDERER_DIST, 'index.html')).catch(() => {
    throw new Error('The renderer is not built. Run: npm run build:renderer   (npm test builds it first)');
  });
  await fs.mkdir(SHOTS, { recursive: true });
  ws = await startTestWorkstation('e2e-shell');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ws?.close();
});

describe('renderer shell in Debian Chromium through the development bridge', () => {
  it('loads, shows the real status from the core, has landmarks and the fixed title, and logs no errors', async () => {
    const expected = await realStatus();
    expect(expected.keychain).toBe('available');
    const { page, problems } = await openShell();

    const keychain = page.getByTestId('status-keychain');
    await expect.poll(() => keychain.textContent()).toContain('Available');
    // Healthy, the top bar stays quiet; the status screen says it in plain words.
    expect(await page.getByTestId('topbar-keychain').count()).toBe(0);
    expect(await page.getByTestId('topbar-connection').count()).toBe(0);
    expect(await page.getByTestId('status-connection').textContent()).toContain('Connected');
    expect(await page.getByTestId('status-version').textContent()).toBe(expected.appVersion);
    expect(await page.getByTestId('status-runtime').textContent()).toBe('Development bridge (browser)');
    expect(await page.getByTestId('status-profiles').textContent()).toBe('None on this computer yet');
    expect(await page.getByTestId('keychain-unavailable').count()).toBe(0);

    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('navigation').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual(['Workstation status']);
    expect(await page.title()).toBe('Sealwire');
    expect(await inPage(page, 'document.documentElement.lang')).toBe('en');
    // The one-time token is erased from the address bar once read.
    expect(page.url()).not.toContain(ws.bridge.token);

    expect(problems.errors).toEqual([]);
    expect(await problems.cspViolations()).toEqual([]);
    await page.context().close();
  });

  it('renders light and dark themes that are visibly different and not blank', async () => {
    const measured: Record<string, ReturnType<typeof measurePng>> = {};
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, problems } = await openShell({ colorScheme });
      await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
      const file = path.join(SHOTS, `shell-${colorScheme}.png`);
      const bytes = await page.screenshot({ path: file, fullPage: false });
      measured[colorScheme] = measurePng(bytes);
      expect(problems.errors).toEqual([]);
      await page.context().close();
    }
    for (const m of Object.values(measured)) {
      expect(m).toMatchObject({ width: VIEWPORT.width, height: VIEWPORT.height });
      // Text, icons and panels: a blank or single-colour page has a handful of colours and no variance.
      expect(m.colours).toBeGreaterThan(100);
      expect(m.stdDev).toBeGreaterThan(15);
    }
    expect(measured.light!.mean - measured.dark!.mean).toBeGreaterThan(80);
  });

  it('follows a manual theme choice over the computer preference and remembers only the choice', async () => {
    const { page } = await openShell({ colorScheme: 'light' });
    await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
    await chooseInSettings(page, 'theme-select', 'dark');
    expect(await inPage(page, 'document.documentElement.dataset.theme')).toBe('dark');
    const background = () => inPage(page, 'getComputedStyle(document.body).backgroundColor');
    expect(await background()).toBe('rgb(14, 21, 27)');
    await page.reload();
    await showStatus(page);
    await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
    expect(await background()).toBe('rgb(14, 21, 27)');
    const stored = await inPage(page, 'Object.fromEntries(Object.entries(localStorage))');
    expect(stored).toEqual({ 'sealwire.theme': 'dark' });
    await page.context().close();
  });

  it('switches to Spanish and back with the language control', async () => {
    const { page, problems } = await openShell();
    const heading = page.getByRole('heading', { level: 1 });
    // Wait for the status itself, not just the heading (which shows while it is still loading).
    await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
    expect(await heading.textContent()).toBe('Workstation status');
    await chooseLanguage(page, 'es');
    await expect.poll(() => heading.textContent()).toBe('Estado de la estación de trabajo');
    expect(await page.getByTestId('status-keychain').textContent()).toContain('Disponible');
    expect(await page.getByTestId('status-connection').textContent()).toContain('Conectado');
    expect(await page.getByRole('navigation').getAttribute('aria-label')).toBe('Conversaciones y estación de trabajo');
    expect(await inPage(page, 'document.documentElement.lang')).toBe('es');
    expect(await page.title()).toBe('Sealwire');
    // Spanish runs longer than English: the narrowest supported screen must still hold it.
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await inPage(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'shell-es-1024x700.png') });
    await chooseLanguage(page, 'en');
    await expect.poll(() => heading.textContent()).toBe('Workstation status');
    expect(problems.errors).toEqual([]);
    await page.context().close();
  });

  it('starts in Spanish when the browser prefers it', async () => {
    const { page } = await openShell({ locale: 'es-MX' });
    await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Disponible');
    await page.context().close();
  });

  it('updates live from the system.status event stream', async () => {
    const { page } = await openShell();
    const profiles = page.getByTestId('status-profiles');
    await expect.poll(() => profiles.textContent()).toBe('None on this computer yet');
    const dir = profileDir(ws.dataDir, 'e2e-live');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, PROFILE_META_FILE), '{}');
    try {
      // The real status (now with one profile) pushed through the core's event stream and the bridge.
      ws.core.events.emit('system.status', await realStatus());
      await expect.poll(() => profiles.textContent()).toBe('1 profile on this computer');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await page.context().close();
  });

  it('puts the skip link first in the tab order and moves focus to the main region', async () => {
    // The start screen (first sign-in: nobody on this workstation yet).
    const { page } = await openShell({}, ws.bridge.url, false);
    await page.getByTestId('first-sign-in').waitFor();
    await page.keyboard.press('Tab');
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await inPage(page, 'document.activeElement?.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await inPage(page, "document.activeElement?.getAttribute('data-testid')")).toBe('sign-in-server');
    // The keyboard focus ring is drawn (3 px solid), not left to the browser's faint default.
    expect(await inPage(page, "(({ outlineStyle, outlineWidth }) => outlineStyle + ' ' + outlineWidth)(getComputedStyle(document.activeElement))")).toBe(
      'solid 3px',
    );
    // Kiosk touch targets: every control is at least 44 px tall and wide.
    const small = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('button, select, a[href]')]
        .filter((el) => el.getBoundingClientRect().height < 44 || el.getBoundingClientRect().width < 44)
        .filter((el) => !el.classList.contains('skip-link'))
        .map((el) => el.outerHTML.slice(0, 80))`,
    );
    expect(small).toEqual([]);
    await page.context().close();
  });

  it('fits a 1024×700 kiosk screen and a large screen without horizontal scrolling', async () => {
    for (const viewport of [{ width: 1024, height: 700 }, { width: 1920, height: 1080 }]) {
      const { page } = await openShell({ viewport });
      await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
      const overflow = await inPage(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBe(0);
      await page.screenshot({ path: path.join(SHOTS, `shell-${viewport.width}x${viewport.height}.png`) });
      await page.context().close();
    }
  });

  it('meets WCAG AA text contrast for every visible text in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await openShell({ colorScheme });
      await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
      const failures = await inPage<string[]>(page, CONTRAST_SCRIPT);
      expect(failures, colorScheme).toEqual([]);
      await page.context().close();
    }
  });

  it('says in plain words that the keychain is unavailable when no Secret Service answers', async () => {
    const isolated = await startWorkstationWithoutKeychain();
    try {
      const { page, problems } = await openShell({}, isolated.url);
      const callout = page.getByTestId('keychain-unavailable');
      await callout.waitFor({ timeout: 15_000 });
      expect(await callout.getByRole('heading').textContent()).toBe('Sealwire will not store patient information on this computer');
      expect(await callout.textContent()).toContain('The system keychain is not answering');
      expect(await page.getByTestId('topbar-keychain').textContent()).toBe('Keychain unavailable');
      expect(await page.getByTestId('status-keychain').textContent()).toBe('Unavailable');
      await page.screenshot({ path: path.join(SHOTS, 'shell-no-keychain.png') });
      expect(problems.errors).toEqual([]);
      await page.context().close();
    } finally {
      await isolated.close();
    }
  });

  it('says so when the core goes away after the shell loaded', async () => {
    const doomed = await startTestWorkstation('e2e-doomed');
    let closing: Promise<void> | undefined;
    try {
      const { page } = await openShell({}, doomed.bridge.url);
      await expect.poll(() => page.getByTestId('status-keychain').textContent()).toContain('Available');
      // Not awaited yet: the HTTP server's close waits for the page's keep-alive connection.
      closing = doomed.close();
      await page.getByTestId('unreachable').waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('topbar-connection').textContent()).toBe('Not connected');
      // Nothing stale stays on screen as if it were current.
      expect(await page.getByTestId('status-keychain').count()).toBe(0);
      await page.context().close();
    } finally {
      await (closing ?? doomed.close());
    }
  });

  it('shows "cannot be reached" for a wrong token instead of hanging', async () => {
    const started = Date.now();
    const { page } = await openShell({}, `${ws.bridge.origin}/#token=wrong-${'x'.repeat(20)}`, false);
    const panel = page.getByTestId('unreachable');
    await panel.waitFor({ timeout: 8_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await panel.getByRole('heading').textContent()).toBe('Sealwire cannot be reached');
    expect(await page.getByTestId('topbar-connection').textContent()).toBe('Not connected');
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'shell-unreachable.png') });
    await page.context().close();
  });
});
