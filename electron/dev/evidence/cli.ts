// `npm run evidence`: runs the tests the compliance evidence map names, the device-side checks on a
// sample workstation, and writes one self-contained HTML report into evidence/. Exits 1 when a named
// test failed or no longer exists, or a device check failed. Runs inside run.sh's keychain session.
//
//   --map <file.json>   another map (tests use a tiny one); default: shared/compliance/evidence-map.ts
//   --out <dir>         where the report goes; default: evidence/
//   --seed-text <text>  what the sample workstation stores as PHI (a canary for tests); default: random
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EVIDENCE_MAP } from '../../../shared/compliance/evidence-map.ts';
import { EvidenceMapSchema } from '../../../shared/compliance/evidence-map-schema.ts';
import { renderEvidenceHtml, requirementStatus } from '../../../shared/compliance/evidence-report.ts';
import type { Requirement } from '../../../shared/compliance/evidence-types.ts';
import type { DeviceEvidence } from '../../../shared/contract/index.ts';
import { REPO_ROOT } from '../workstation.ts';
import { runNamedTests } from './run-named-tests.ts';
import { sampleDeviceEvidence } from './sample-workstation.ts';

const log = (line: string) => process.stderr.write(`evidence: ${line}\n`);

function loadMap(file: string | undefined): readonly Requirement[] {
  if (file === undefined) return EvidenceMapSchema.parse(EVIDENCE_MAP);
  const parsed = EvidenceMapSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`the map ${file} is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

const quiet = (cmd: string, args: string[]): string | null => {
  try {
    return execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

function commit(): string | null {
  const head = quiet('git', ['rev-parse', '--short=12', 'HEAD']);
  if (head === null) return null;
  return quiet('git', ['status', '--porcelain', '--untracked-files=no'])?.length ? `${head} with uncommitted changes` : head;
}

function testMachine(): string {
  const release = fs.existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  const cpus = os.cpus();
  return `${os.hostname()}: ${release ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()}), ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
}

/** The loopback fixtures the tests ran against: Prosody always (the sample workstation), ejabberd when a test names it. */
function serversTested(map: readonly Requirement[]): string[] {
  const version = (pkg: string) => quiet('dpkg-query', ['-W', '-f=${Version}', pkg]) ?? 'version unknown';
  const titles = map.flatMap((r) => r.tests.map((t) => t.title.toLowerCase()));
  const servers = [`Prosody ${version('prosody')} on loopback`];
  if (titles.some((t) => t.includes('ejabberd'))) servers.push(`ejabberd ${version('ejabberd')} on loopback`);
  return servers;
}

const deviceProblems = (d: DeviceEvidence): string[] => [
  ...(d.audit.ok ? [] : ['the audit trail does not verify']),
  ...(d.keychain.state === 'available' && d.keychain.deviceKey ? [] : ['the keychain or the device key is missing']),
  ...(d.stores.length > 0 && d.stores.every((s) => s.result === 'encrypted') ? [] : ['a store is not shown encrypted']),
];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { map: { type: 'string' }, out: { type: 'string' }, 'seed-text': { type: 'string' } } });
  const map = loadMap(values.map);
  const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, 'evidence'));
  const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const generatedAt = Date.now();

  const results = await runNamedTests(REPO_ROOT, map.flatMap((r) => r.tests), log);
  log('device checks on a sample workstation (real keychain, real files, real Prosody)');
  const device = await sampleDeviceEvidence({ appVersion: version, seedText: values['seed-text'] ?? `canary-${randomUUID()}` });

  const html = renderEvidenceHtml(map, {
    generatedAt,
    version,
    commit: commit(),
    testMachine: testMachine(),
    servers: serversTested(map),
    results,
    device,
    deviceNote: 'Run on a sample workstation set up for this report (real OS keychain, real encrypted files, signed in as an administrator through the Prosody above). On a clinic workstation, an administrator exports the same checks from the app: Activity, "Export compliance evidence".',
  });
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = new Date(generatedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const file = path.join(outDir, `sealwire-evidence-${version}-${stamp}.html`);
  fs.writeFileSync(file, html);

  const statuses = map.map((r) => requirementStatus(r, results));
  const failing = map.filter((_, i) => statuses[i] === 'failing').map((r) => r.id);
  const broken = results.filter((r) => r.outcome !== 'passed');
  for (const r of broken) log(`${r.outcome}: ${r.file} › ${r.title}`);
  const problems = deviceProblems(device);
  for (const p of problems) log(`device check: ${p}`);
  const count = (s: string) => statuses.filter((x) => x === s).length;
  console.log(
    JSON.stringify({
      report: file.startsWith(`${process.cwd()}${path.sep}`) ? path.relative(process.cwd(), file) : file,
      proven: count('proven'),
      partly: count('partly'),
      not_covered: count('not covered'),
      failing,
      tests_passed: results.filter((r) => r.outcome === 'passed').length,
      tests_not_passed: broken.length,
      device_problems: problems.length,
    }),
  );
  return failing.length === 0 && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
