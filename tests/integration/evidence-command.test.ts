import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Requirement } from '../../shared/compliance/evidence-types.ts';
import { launchChromium } from '../support/chromium.ts';
import { makeTempDir, removeTempDirs } from '../support/temp-dir.ts';

// `npm run evidence` on a tiny map (one fast unit test, so this stays quick): the real command, in
// its own keychain session, with its sample workstation on a real Prosody. The canary is what the
// sample workstation stores as PHI (the staff member's name, a colleague's address, a message).
const ROOT = path.resolve(import.meta.dirname, '../..');
const REAL = { file: 'tests/unit/policy.test.ts', title: 'policy merge: strictest wins, nobody loosens > returns the safe defaults with no layers' };
const CANARY = 'Zorbulon Quaxterfield MRN 7731904';

const requirement = (id: string, tests: Requirement['tests']): Requirement => ({
  id,
  title: `Requirement ${id}`,
  source: 'HIPAA Security Rule §164.312',
  how: 'Proven by the tiny test.',
  coverage: 'proven',
  tests,
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  html: string;
  file: string;
}

async function evidence(map: readonly Requirement[]): Promise<Run> {
  const dir = makeTempDir('evidence');
  const mapFile = path.join(dir, 'map.json');
  fs.writeFileSync(mapFile, JSON.stringify(map));
  const out = path.join(dir, 'out');
  const child = spawn('bash', ['electron/dev/evidence/run.sh', '--map', mapFile, '--out', out, '--seed-text', CANARY], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const files = fs.existsSync(out) ? fs.readdirSync(out) : [];
  const file = files.length === 1 ? path.join(out, files[0]!) : '';
  return { code, stdout, stderr, html: file ? fs.readFileSync(file, 'utf8') : '', file };
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await removeTempDirs();
});

describe('npm run evidence', () => {
  it('a named test removed from its target file fails the command and its requirement reads FAILING', async () => {
    const run = await evidence([requirement('t-ok', [REAL]), requirement('t-gone', [{ file: REAL.file, title: 'policy merge: strictest wins, nobody loosens > a test that was removed' }])]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('missing: tests/unit/policy.test.ts › policy merge: strictest wins, nobody loosens > a test that was removed');
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({ proven: 1, failing: ['t-gone'], tests_passed: 1, tests_not_passed: 1 });
    expect(run.html).toContain('FAILING');
  });

  it('a green run exits 0 with a self-contained report that opens in Chromium without errors or network, and holds no PHI', async () => {
    const run = await evidence([requirement('t-ok', [REAL])]);
    expect(run.code, run.stderr).toBe(0);
    const { html } = run;
    // Version, commit, date, machine, servers, result with duration, device checks.
    expect(html).toMatch(/<th>Version<\/th><td>\d+\.\d+\.\d+ \(commit [0-9a-f]{12}/);
    expect(html).toMatch(/<th>Servers tested<\/th><td>Prosody \S+ on loopback/);
    expect(html).toMatch(/class="o-passed">passed<\/td><td class="num">\d+ ms/);
    expect(html).toMatch(/Audit trail verify<\/th><td class="o-passed">verified, \d+ records/);
    expect(html).toContain('available, device key present');
    expect(html).toMatch(/Store encryption probe<\/th><td class="o-passed">[0-9a-f]{8}…: encrypted/);
    expect(html).toContain('<td>idleTimeoutMinutes</td><td>10</td><td>default</td>');

    // The canary the sample workstation stored, in any of the forms it took, is nowhere in the report.
    for (const form of [CANARY, 'Zorbulon', 'Quaxterfield', '7731904', 'zorbulonquaxterfield']) expect(html.toLowerCase()).not.toContain(form.toLowerCase());

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${run.file}`);
    expect(await page.title()).toMatch(/^Sealwire compliance evidence/);
    expect(await page.locator('h3').count()).toBe(1 + 1); // the requirement and "Effective policy"
    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${run.file}`]);
    await page.close();
  });
});
