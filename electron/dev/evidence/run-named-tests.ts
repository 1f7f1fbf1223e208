import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testKey } from '../../../shared/compliance/evidence-report.ts';
import type { NamedTest, TestOutcome, TestResult } from '../../../shared/compliance/evidence-types.ts';

/** The parts of vitest's JSON report read here. */
interface VitestJson {
  testResults: Array<{
    name: string;
    assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string; duration?: number | null }>;
  }>;
}

const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** vitest matches its name filter against "suite > suite > test". */
export const namePattern = (tests: readonly NamedTest[]): string => `^(?:${[...new Set(tests.map((t) => escapeRe(t.title)))].join('|')})$`;

function outcomeOf(status: string): TestOutcome {
  if (status === 'passed') return 'passed';
  if (status === 'failed') return 'failed';
  return 'skipped';
}

/** Looks each named test up in the report: a title the files no longer hold is 'missing'. */
export function matchResults(root: string, tests: readonly NamedTest[], report: VitestJson | null): TestResult[] {
  const found = new Map<string, { outcome: TestOutcome; durationMs: number | null }>();
  for (const file of report?.testResults ?? []) {
    const rel = path.relative(root, file.name).split(path.sep).join('/');
    for (const a of file.assertionResults) {
      const title = [...a.ancestorTitles, a.title].join(' > ');
      found.set(testKey({ file: rel, title }), { outcome: outcomeOf(a.status), durationMs: a.duration ?? null });
    }
  }
  return tests.map((t) => {
    const r = found.get(testKey(t));
    // A test filtered out by name but present is reported skipped; one absent from its file is gone.
    return { ...t, outcome: r?.outcome ?? 'missing', durationMs: r?.outcome === 'passed' || r?.outcome === 'failed' ? r.durationMs : null };
  });
}

/**
 * Runs exactly the named tests (their files, filtered by their full titles) with vitest in this
 * process's keychain session, and returns one result per named test. Files that do not exist are
 * not handed to vitest (it would fail on them as a whole); their tests are 'missing'.
 */
export async function runNamedTests(root: string, tests: readonly NamedTest[], log: (line: string) => void): Promise<TestResult[]> {
  const files = [...new Set(tests.map((t) => t.file))].filter((f) => fs.existsSync(path.join(root, f)));
  const present = tests.filter((t) => files.includes(t.file));
  if (present.length === 0) return matchResults(root, tests, null);
  const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sealwire-evidence-')), 'vitest.json');
  const args = [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${reportFile}`, '-t', namePattern(present), ...files];
  log(`running ${present.length} named tests in ${files.length} files`);
  await new Promise<void>((resolve, reject) => {
    // A run started from inside a test (the evidence command's own tests) must not look like a vitest worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 2, 2] });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  let report: VitestJson | null = null;
  try {
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as VitestJson;
  } catch {
    log('vitest wrote no report: every named test counts as missing');
  } finally {
    fs.rmSync(path.dirname(reportFile), { recursive: true, force: true });
  }
  return matchResults(root, tests, report);
}
