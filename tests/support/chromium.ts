import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core. Never a browser downloaded by Playwright: these
 * machines cannot fetch one, and CI must test what `npm run setup` installs.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Quiet, offline and deterministic: no background traffic, no updates, no first-run UI.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Each launch gets its own throwaway profile (Playwright's temporary user data dir), removed on close. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium   (or run: npm run setup). ` +
        'Do not use "npx playwright install": the tests drive the system Chromium.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageProblems {
  /** console.error messages (CSP violations are reported here by Chromium) and uncaught page errors. */
  readonly errors: string[];
  /** securitypolicyviolation events seen by the page itself: directive and blocked URI. */
  readonly cspViolations: () => Promise<string[]>;
}

/**
 * Records everything that should never happen on a healthy page. Call before navigating.
 * The CSP listener is added through the DevTools protocol, so it is not an inline script.
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'assert') errors.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${new URL(res.url()).pathname}`);
  });
  // Page code as strings: the Node-side tsconfig has no DOM types, on purpose.
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI));
  `);
  return {
    errors,
    cspViolations: () => inPage<string[]>(page, 'window.__cspViolations ?? []'),
  };
}

/** Evaluates an expression in the page. A string, because the Node-side tsconfig has no DOM types. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}
