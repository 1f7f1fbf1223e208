import type { DeviceEvidence } from '../contract/compliance.ts';
import type { NamedTest, Requirement, RequirementStatus, TestResult } from './evidence-types.ts';

// The compliance evidence report as one self-contained HTML page: inline styles, no script, no
// external resource (its own CSP says so), printable to PDF from any browser. Built from the map,
// the named tests' results and the device-side checks; every value is escaped.

export interface EvidenceRun {
  readonly generatedAt: number;
  readonly version: string;
  readonly commit: string | null;
  /** Where the tests ran (host, OS, CPU, Node); null for the in-app export, which runs none. */
  readonly testMachine: string | null;
  /** The XMPP servers the named tests ran against, with versions. */
  readonly servers: readonly string[];
  /** Results of the named tests; null when no tests ran (the in-app export). */
  readonly results: readonly TestResult[] | null;
  readonly device: DeviceEvidence | null;
  /** What the device checks looked at: this workstation, or a sample one set up for the run. */
  readonly deviceNote: string;
}

export const testKey = (t: NamedTest): string => `${t.file}\u0000${t.title}`;

/** A requirement is failing when one of its named tests failed or no longer exists. */
export function requirementStatus(req: Requirement, results: readonly TestResult[] | null): RequirementStatus {
  if (results === null) return req.coverage;
  const byKey = new Map(results.map((r) => [testKey(r), r]));
  const bad = req.tests.some((t) => {
    const r = byKey.get(testKey(t));
    return r === undefined || r.outcome !== 'passed';
  });
  return bad ? 'failing' : req.coverage;
}

const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STATUS_LABEL: Record<RequirementStatus, string> = {
  proven: 'Proven',
  partly: 'Partly',
  'not covered': 'Not covered',
  failing: 'FAILING',
};

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

function testRows(req: Requirement, results: readonly TestResult[] | null): string {
  if (req.tests.length === 0) return '<p class="muted">No test proves this yet.</p>';
  const byKey = new Map((results ?? []).map((r) => [testKey(r), r]));
  const rows = req.tests.map((t) => {
    const r = byKey.get(testKey(t));
    const outcome = results === null ? 'not run here' : (r?.outcome ?? 'missing');
    const duration = r === undefined || r.durationMs === null ? '' : `${Math.round(r.durationMs)} ms`;
    return `<tr><td>${esc(t.title)}<div class="file">${esc(t.file)}</div></td><td class="o-${esc(outcome.replace(/ /g, '-'))}">${esc(outcome)}</td><td class="num">${esc(duration)}</td></tr>`;
  });
  return `<table class="tests"><thead><tr><th>Test</th><th>Result</th><th>Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function requirementSection(req: Requirement, results: readonly TestResult[] | null): string {
  const status = requirementStatus(req, results);
  const gap = req.gap === undefined ? '' : `<p class="gap"><strong>What is missing:</strong> ${esc(req.gap)}</p>`;
  return `<section class="req" id="${esc(req.id)}">
<h3><span class="badge s-${esc(status.replace(/ /g, '-'))}">${esc(STATUS_LABEL[status])}</span> ${esc(req.id)} ${esc(req.title)}</h3>
<p class="source">${esc(req.source)}</p>
<p>${esc(req.how)}</p>${gap}
${testRows(req, results)}
</section>`;
}

function deviceSection(device: DeviceEvidence | null, note: string): string {
  if (device === null) return `<section><h2>Device checks</h2><p class="muted">${esc(note)}</p></section>`;
  const audit = device.audit.ok
    ? `verified, ${device.audit.count ?? 0} records`
    : `NOT verified: ${device.audit.problems.map((p) => `${p.kind} at ${p.seq}`).join(', ') || 'problems found'}`;
  const stores = device.stores.length === 0 ? 'no staff profiles on this workstation' : device.stores.map((s) => `${s.profileId.slice(0, 8)}…: ${s.result.replace(/_/g, ' ')}`).join('; ');
  const policy = device.policy.values
    .map((v) => `<tr><td>${esc(v.key)}</td><td>${esc(v.value)}</td><td>${esc(v.source === 'server' || v.source === 'machine' ? `${v.source} (managed by the organisation)` : v.source)}</td></tr>`)
    .join('');
  const refused = device.policy.refused.length === 0 ? '' : `<p>Refused settings (looser than allowed or invalid): ${esc(device.policy.refused.map((r) => `${r.key} from ${r.source}`).join(', '))}</p>`;
  return `<section><h2>Device checks</h2>
<p class="muted">${esc(note)} Checked ${esc(iso(device.checkedAt))}.</p>
<table class="kv"><tbody>
<tr><th>Workstation</th><td>${esc(device.machine.hostname)}, ${esc(device.machine.os)}, ${esc(device.machine.arch)} (${esc(device.machine.runtime)})</td></tr>
<tr><th>Sealwire on it</th><td>${esc(device.appVersion)}</td></tr>
<tr><th>Audit trail verify</th><td class="${device.audit.ok ? 'o-passed' : 'o-failed'}">${esc(audit)}</td></tr>
<tr><th>OS keychain</th><td class="${device.keychain.state === 'available' && device.keychain.deviceKey ? 'o-passed' : 'o-failed'}">${esc(device.keychain.state)}${device.keychain.deviceKey ? ', device key present' : ', no device key'}${device.keychain.detail ? ` (${esc(device.keychain.detail)})` : ''}</td></tr>
<tr><th>Store encryption probe</th><td class="${device.stores.every((s) => s.result === 'encrypted') ? 'o-passed' : 'o-failed'}">${esc(stores)}</td></tr>
</tbody></table>
<h3>Effective policy</h3>
<table class="tests"><thead><tr><th>Setting</th><th>Value</th><th>Set by</th></tr></thead><tbody>${policy}</tbody></table>${refused}
</section>`;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}h3{font-size:1.05rem;margin:.2rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7}.num{text-align:right;white-space:nowrap}td[class^="o-"]{white-space:nowrap}.file{color:#57606a;font-size:.85em;font-family:monospace}
.req{border:1px solid #d5d9e0;border-radius:6px;padding:.6rem .9rem;margin:.8rem 0;break-inside:avoid}
.source,.muted{color:#57606a}.gap{background:#fff8e5;padding:.4rem .6rem;border-radius:4px}
.badge{display:inline-block;border-radius:4px;padding:0 .45rem;font-size:.85em;color:#fff}
.s-proven{background:#1a7f37}.s-partly{background:#9a6700}.s-not-covered{background:#57606a}.s-failing{background:#cf222e}
.o-passed{color:#1a7f37}.o-failed,.o-missing{color:#cf222e;font-weight:600}.o-skipped,.o-not-run-here{color:#57606a}
@media print{body{margin:0}.req{page-break-inside:avoid}}`;

/** The whole report. */
export function renderEvidenceHtml(map: readonly Requirement[], run: EvidenceRun): string {
  const counts = { proven: 0, partly: 0, 'not covered': 0, failing: 0 } as Record<RequirementStatus, number>;
  for (const req of map) counts[requirementStatus(req, run.results)] += 1;
  const passed = run.results?.filter((r) => r.outcome === 'passed').length ?? 0;
  const summary = run.results === null
    ? 'Tests were not run for this export (the workstation runs the device checks only); the statuses are those this version declares; npm run evidence runs the tests.'
    : `${passed} of ${run.results.length} named tests passed.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sealwire compliance evidence ${esc(run.version)}</title>
<style>${STYLE}</style></head><body>
<h1>Sealwire compliance evidence</h1>
<table class="kv"><tbody>
<tr><th>Version</th><td>${esc(run.version)}${run.commit ? ` (commit ${esc(run.commit)})` : ''}</td></tr>
<tr><th>Date</th><td>${esc(iso(run.generatedAt))}</td></tr>
<tr><th>Tests ran on</th><td>${esc(run.testMachine ?? 'not run')}</td></tr>
<tr><th>Servers tested</th><td>${esc(run.servers.length ? run.servers.join('; ') : 'none')}</td></tr>
<tr><th>Summary</th><td>${counts.proven} proven, ${counts.partly} partly, ${counts['not covered']} not covered${counts.failing ? `, <strong>${counts.failing} failing</strong>` : ''}. ${esc(summary)}</td></tr>
</tbody></table>
<h2>Requirements</h2>
${map.map((req) => requirementSection(req, run.results)).join('\n')}
${deviceSection(run.device, run.deviceNote)}
</body></html>
`;
}
