import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_MAP } from '../../shared/compliance/evidence-map.ts';
import { EvidenceMapSchema } from '../../shared/compliance/evidence-map-schema.ts';
import { renderEvidenceHtml, requirementStatus } from '../../shared/compliance/evidence-report.ts';
import type { TestResult } from '../../shared/compliance/evidence-types.ts';

// The map is data reviewed like code: these checks run in npm test, so a renamed or deleted test
// is caught when it happens, not first by `npm run evidence` (which also runs them).
const ROOT = path.resolve(import.meta.dirname, '../..');
const HIPAA = ['(a)(1)', '(a)(2)(i)', '(a)(2)(ii)', '(a)(2)(iii)', '(a)(2)(iv)', '(b)', '(c)(1)', '(c)(2)', '(d)', '(e)(1)', '(e)(2)(i)', '(e)(2)(ii)'].map((p) => `164.312${p}`);
const NPRM = ['encryption-at-rest', 'mfa', 'asset-inventory', 'vulnerability-scanning', 'restore-from-backup'].map((p) => `nprm-2025:${p}`);

describe('compliance evidence map', () => {
  it('covers every §164.312 technical safeguard and the 2025 proposed-rule items, and follows its own rules', () => {
    expect(EvidenceMapSchema.safeParse(EVIDENCE_MAP).success).toBe(true);
    expect(EVIDENCE_MAP.map((r) => r.id)).toEqual([...HIPAA, ...NPRM]);
    // Honest about gaps: multi-factor authentication does not exist yet.
    expect(EVIDENCE_MAP.find((r) => r.id === 'nprm-2025:mfa')).toMatchObject({ coverage: 'not covered', tests: [] });
  });

  it('names only test files that exist and titles those files still hold', () => {
    for (const test of EVIDENCE_MAP.flatMap((r) => r.tests)) {
      const file = path.join(ROOT, test.file);
      expect(fs.existsSync(file), test.file).toBe(true);
      // The last segment is the test's own title (suites may be built from describe.each rows).
      const source = fs.readFileSync(file, 'utf8').replace(/\\(['"])/g, '$1');
      expect(source, `${test.file}: ${test.title}`).toContain(test.title.split(' > ').at(-1));
    }
  });

  it('a requirement whose test failed or is missing reads failing; the report escapes what it shows', () => {
    const req = EVIDENCE_MAP[0]!;
    const passed: TestResult[] = req.tests.map((t) => ({ ...t, outcome: 'passed', durationMs: 5 }));
    expect(requirementStatus(req, passed)).toBe('proven');
    expect(requirementStatus(req, passed.slice(1))).toBe('failing');
    expect(requirementStatus(req, [{ ...passed[0]!, outcome: 'failed' }, ...passed.slice(1)])).toBe('failing');
    expect(requirementStatus(req, null)).toBe('proven');
    const html = renderEvidenceHtml([{ ...req, how: '<script>alert(1)</script>' }], {
      generatedAt: 0, version: '1.0.0', commit: null, testMachine: null, servers: [], results: null, device: null, deviceNote: 'none',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
