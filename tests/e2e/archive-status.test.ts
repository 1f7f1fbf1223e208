import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyHandle } from '../../electron/dev/prosody/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { openApp, requireBuiltRenderer, signInAndSkipPin, startStation, type Staff, type TestWorkstation } from './helpers/sealwire.ts';

/**
 * Issue 13: a clinic server with archiving off (ejabberd's default) gets no history sync. The
 * workstation status says so to IT in plain words instead of syncing nothing silently.
 */
const GIA: Staff = { username: 'gia', password: 'gia-pass-4417', displayName: 'Gia Moretti' };
let prosody: ProsodyHandle | undefined;
let ws: TestWorkstation | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  await requireBuiltRenderer();
  prosody = await startProsody({
    users: [{ username: GIA.username, password: GIA.password }],
    mucDomain: false,
    httpUpload: false,
    extraConfig: 'modules_disabled = { "mam" }',
  });
  ws = await startStation('e2e-archive-missing', prosody);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await ws?.close();
  await prosody?.stop();
});

describe('a server that keeps no message history', () => {
  it('the workstation status says so in plain words once signed in', async () => {
    const { page, problems } = await openApp(browser!, ws!);
    await signInAndSkipPin(page, GIA);
    await page.getByTestId('nav-status').click();
    const callout = page.getByTestId('archive-missing');
    await callout.waitFor({ timeout: 15_000 });
    expect(await callout.textContent()).toContain('The server is not keeping message history');
    expect(await callout.textContent()).toContain('turn on message archiving');
    expect(await page.getByTestId('status-archive').textContent()).toContain('Not kept');
    expect(problems.errors).toEqual([]);
    await page.context().close();
  });
});
