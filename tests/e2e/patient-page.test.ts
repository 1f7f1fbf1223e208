import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../integration/messaging-support.ts';
import { inPage, launchChromium, watchPage } from '../support/chromium.ts';
import { SERVERS } from '../support/servers.ts';
import { removeTempDirs } from '../support/temp-dir.ts';
import { lastCode, lastLink, openConversation, startGatewayFixture, until, type GatewayFixture } from '../gateway/gateway-support.ts';

// The patient's side in a real Chromium at a phone's size (390×844): link → date of birth → code
// → thread → reply, in English and Spanish, with no script on the page, nothing wider than the
// screen, and no serious accessibility finding (axe-core).

const SHOTS = path.join('test-results', 'e2e');
const PHONE = '+12025550177';
const DOB = '1988-06-30';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let fx: GatewayFixture;
let alice: Account;
let browser: Browser;

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return inPage<string[]>(
    page,
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))`,
  );
}

const fitsWidth = (page: Page) => inPage<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth');

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  fx = await startGatewayFixture(SERVERS[0]!);
  alice = await fx.staff('alice');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await fx?.stop();
  await removeTempDirs();
});

describe('the patient page on a phone', () => {
  it('verifies, shows the thread and takes a reply at 390×844, in English and Spanish, with hostile text shown as text', async () => {
    const { room } = await openConversation(fx, alice, { name: 'Ines Canary', phone: PHONE, dateOfBirth: DOB, locale: 'es' });
    alice.engine.send({ to: room, body: 'Su cita es mañana a las 9. <b>Traiga</b> su tarjeta.' });
    await until(() => fx.sms.messages.some((m) => m.to === PHONE), 15_000, 'link sms');

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${fx.publicUrl}${lastLink(fx, PHONE)}`);
    expect(new URL(page.url()).pathname).toBe('/v');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    expect(await fitsWidth(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'patient-dob-es.png') });

    await page.getByLabel('Fecha de nacimiento').fill('1990-01-01');
    await page.getByRole('button', { name: 'Continuar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Intentos restantes: 4');
    await page.getByLabel('Fecha de nacimiento').fill(DOB);
    await page.getByRole('button', { name: 'Continuar' }).click();
    await page.getByLabel('Código').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'patient-code-es.png') });
    await page.getByLabel('Código').fill(lastCode(fx, PHONE));
    await page.getByRole('button', { name: 'Continuar' }).click();
    await page.getByRole('heading', { name: 'Su conversación' }).waitFor();
    expect(await page.locator('.msg.theirs .body').first().textContent()).toBe('Su cita es mañana a las 9. <b>Traiga</b> su tarjeta.');
    expect(await page.locator('.msg b').count()).toBe(0);

    await page.getByLabel('Su respuesta').fill('Gracias <img src=x onerror=alert(1)> ahí estaré');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.locator('.msg.mine').waitFor();
    expect(await page.locator('.msg.mine .body').textContent()).toBe('Gracias <img src=x onerror=alert(1)> ahí estaré');
    expect(await page.locator('.msg img').count()).toBe(0);
    expect(await fitsWidth(page)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'patient-thread-es.png'), fullPage: true });

    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Your conversation' }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'patient-thread-en.png'), fullPage: true });

    // No PHI in any address the browser saw, and no script ever ran or was blocked.
    expect(page.url()).not.toMatch(/Ines|1988|cita/);
    // The one wrong date of birth answered 422, on purpose.
    expect(problems.errors.filter((e) => !/422/.test(e))).toEqual([]);
    expect(await problems.cspViolations()).toEqual([]);
    await context.close();
  });
});
