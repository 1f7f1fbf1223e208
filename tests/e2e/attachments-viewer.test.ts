import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPage, type PageProblems } from '../support/chromium.ts';
import { hostilePdf, pngWithCanary } from '../support/hostile-files.ts';
import { openApp, SHOTS, signInAndSkipPin, type Staff, type TestWorkstation } from './helpers/sealwire.ts';
import { startStations, type Stations } from './helpers/stations.ts';

const ERIN: Staff = { username: 'erin', password: 'erin-pass-5521', displayName: 'Erin Walsh' };
const FINN: Staff = { username: 'finn', password: 'finn-pass-8402', displayName: 'Finn Ahmed' };
const IMAGE_CANARY = `IMGCANARY${randomBytes(8).toString('hex')}`;
const PDF_CANARY = `PDFCANARY${randomBytes(8).toString('hex')}`;

let fixture: Stations | undefined;
let browser: Browser;
let a: { page: Page; problems: PageProblems };
let b: { page: Page; problems: PageProblems };
let remote: http.Server;
const remoteHits: string[] = [];
let remoteUrl = '';
const startedAt = Date.now();

beforeAll(async () => {
  // What a hostile PDF would call home to: any request reaching it is a failure.
  remote = http.createServer((req, res) => {
    remoteHits.push(req.url ?? '');
    res.end('owned');
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
  fixture = await startStations(['e2e-view-a', 'e2e-view-b'], [ERIN, FINN], { httpUpload: true });
  ({ browser } = fixture);
  const [wsA, wsB] = fixture.stations as [TestWorkstation, TestWorkstation];
  [a, b] = await Promise.all([openApp(browser, wsA), openApp(browser, wsB, { viewport: { width: 1366, height: 768 } })]);
  await Promise.all([signInAndSkipPin(a.page, ERIN), signInAndSkipPin(b.page, FINN)]);
  await a.page.getByTestId('nav-directory').click();
  await a.page.getByTestId('directory-address').fill(FINN.username);
  await a.page.getByTestId('directory-start').click();
  await a.page.getByTestId('thread').waitFor();
});

afterAll(async () => {
  await fixture?.close();
  await new Promise((resolve) => remote?.close(resolve));
});

/** B opens the conversation with A (first test) and waits for the file by name. */
async function receivedFile(name: string) {
  if ((await b.page.getByTestId('thread').count()) === 0) {
    await b.page.getByTestId('inbox-item').first().waitFor({ timeout: 20_000 });
    await b.page.getByTestId('inbox-item').first().click();
    await b.page.getByTestId('thread').waitFor();
  }
  const chip = b.page.getByTestId('message-attachment').filter({ hasText: name });
  await chip.getByTestId('attachment-size').waitFor({ timeout: 20_000 });
  return chip;
}

describe('attachments that open: thumbnail, safe viewer, save (two workstations, real Prosody)', () => {
  it('an image dropped on the composer arrives as a thumbnail that opens in the viewer', async () => {
    const png = pngWithCanary(IMAGE_CANARY).toString('base64');
    // Drag and drop: a real drop event carrying a File, as the OS hands it to the page.
    const transfer = await a.page.evaluateHandle(
      `(() => { const bytes = Uint8Array.from(atob(${JSON.stringify(png)}), (c) => c.charCodeAt(0)); const dt = new DataTransfer(); dt.items.add(new File([bytes], 'wound photo.png', { type: 'image/png' })); return dt; })()`,
    );
    await a.page.getByTestId('composer').dispatchEvent('dragover', { dataTransfer: transfer });
    await a.page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: transfer });
    await a.page.getByTestId('message-attachment').filter({ hasText: 'wound photo.png' }).getByTestId('attachment-thumbnail').waitFor({ timeout: 20_000 });

    const chip = await receivedFile('wound photo.png');
    const thumb = chip.getByTestId('attachment-thumbnail');
    await thumb.waitFor({ timeout: 20_000 });
    expect(await inPage<number>(b.page, `document.querySelector('[data-testid="attachment-thumbnail"] img').naturalWidth`)).toBe(16);
    await b.page.screenshot({ path: path.join(SHOTS, 'attachments-thumbnail-1366.png') });
    await thumb.click();
    const viewer = b.page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-kind')).toBe('image');
    expect(await b.page.getByTestId('viewer-title').textContent()).toBe('wound photo.png');
    await expect.poll(() => inPage<number>(b.page, `document.querySelector('[data-testid="viewer-image"]')?.naturalWidth ?? 0`)).toBe(16);
    await b.page.screenshot({ path: path.join(SHOTS, 'attachments-viewer-image-1366.png') });
    await b.page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
    // The address is never on screen: only the name.
    expect(await b.page.content()).not.toMatch(/aesgcm:\/\//);
  });

  it('a hostile PDF (JavaScript actions, a remote link, a launch action, an embedded file) shows its page and does nothing else', async () => {
    const dialogs: string[] = [];
    const popups: string[] = [];
    const downloads: string[] = [];
    b.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    b.page.context().on('page', (p) => popups.push(p.url()));
    b.page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await a.page.getByTestId('attach-input').setInputFiles({ name: 'referral.pdf', mimeType: 'application/pdf', buffer: hostilePdf(PDF_CANARY, remoteUrl) });
    const chip = await receivedFile('referral.pdf');
    await chip.getByTestId('attachment-open').click();
    const viewer = b.page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-kind')).toBe('pdf');
    const page = b.page.getByTestId('pdf-page');
    await page.first().waitFor({ timeout: 20_000 });
    // The page really was drawn (not blank): some pixel is dark (the canary text).
    const dark = await inPage<boolean>(
      b.page,
      `(() => { const c = document.querySelector('[data-testid="pdf-page"]'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 0; i < d.length; i += 4) if (d[i] < 100 && d[i + 3] > 0) return true; return false; })()`,
    );
    expect(dark).toBe(true);
    // Click where the link annotation covers the whole page, and wait a moment for anything to fire.
    await page.first().click({ position: { x: 100, y: 100 } });
    await page.first().dblclick({ position: { x: 200, y: 300 } });
    await b.page.waitForTimeout(1500);
    expect(await viewer.locator('a, iframe, object, embed, form, input, section.linkAnnotation').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(popups).toEqual([]);
    expect(downloads).toEqual([]);
    expect(remoteHits).toEqual([]);
    expect(await page.count()).toBe(1);
    await b.page.screenshot({ path: path.join(SHOTS, 'attachments-viewer-pdf-1366.png') });
    await b.page.getByTestId('viewer-close').click();
    await expect.poll(() => viewer.count()).toBe(0);
  });

  it('a forged type is not trusted: an HTML page sent as "scan.png" gets no thumbnail and is not shown', async () => {
    const html = `<html><body><script>fetch('${remoteUrl}/html')</script><img src="${remoteUrl}/img"></body></html>`;
    await a.page.getByTestId('attach-input').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from(html) });
    const chip = await receivedFile('scan.png');
    await chip.getByTestId('attachment-open').click();
    await chip.getByTestId('attachment-error').waitFor();
    expect(await chip.getByTestId('attachment-error').getAttribute('data-code')).toBe('not_viewable');
    expect(await chip.getByTestId('attachment-thumbnail').count()).toBe(0);
    expect(await b.page.getByTestId('viewer').count()).toBe(0);
    expect(remoteHits).toEqual([]);
  });

  it('forensic canary: no plaintext copy of a viewed file exists in any temp folder or data folder', async () => {
    const roots = [os.tmpdir(), ...(fixture?.stations.map((s) => s.dataDir) ?? [])];
    const found = await findCanaries(roots, [IMAGE_CANARY, PDF_CANARY], startedAt);
    expect(found).toEqual([]);
  });

  it('save: the bridge hands the file to the browser as a download under its own name, audited', async () => {
    const chip = await receivedFile('scan.png');
    const download = b.page.waitForEvent('download');
    await chip.getByTestId('attachment-save').click();
    expect((await download).suggestedFilename()).toBe('scan.png');
    await chip.getByTestId('attachment-saved').waitFor();
    expect(b.problems.errors).toEqual([]);
    expect(a.problems.errors).toEqual([]);
  });
});

/** Files under these folders, changed since `since`, that contain any canary (bounded: small files only). */
async function findCanaries(roots: readonly string[], canaries: readonly string[], since: number): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full, depth + 1);
      else if (e.isFile()) {
        const stat = await fs.stat(full).catch(() => null);
        if (stat === null || stat.mtimeMs < since - 1000 || stat.size > 64 * 1024 * 1024) continue;
        const bytes = await fs.readFile(full).catch(() => null);
        if (bytes !== null && canaries.some((c) => bytes.includes(c))) hits.push(full);
      }
    }
  };
  for (const root of roots) await walk(root, 0);
  return hits;
}
