// The shape of the compliance evidence map and of a run's results. Pure data types: the map is read
// by `npm run evidence` (which runs the named tests) and by the app's "Export compliance evidence".

/** One named test: the file and the title as vitest shows it, suites joined with " > ". */
export interface NamedTest {
  readonly file: string;
  readonly title: string;
}

/**
 * proven: the named tests perform the attack or the control against the real parts;
 * partly: they prove some of it, `gap` says what is missing; not covered: nothing proves it yet.
 */
export type Coverage = 'proven' | 'partly' | 'not covered';

export interface Requirement {
  /** Stable id: the rule's paragraph ("164.312(a)(2)(iii)") or "nprm-2025:<item>". */
  readonly id: string;
  readonly title: string;
  /** Where it comes from, as an auditor would cite it. */
  readonly source: 'HIPAA Security Rule §164.312' | '2025 proposed Security Rule (NPRM)';
  /** One plain-words sentence: how Sealwire meets it. */
  readonly how: string;
  readonly coverage: Coverage;
  /** For partly / not covered: what is missing and what would close it. */
  readonly gap?: string;
  readonly tests: readonly NamedTest[];
}

export type TestOutcome = 'passed' | 'failed' | 'missing' | 'skipped';

export interface TestResult extends NamedTest {
  readonly outcome: TestOutcome;
  /** Milliseconds; null when it did not run. */
  readonly durationMs: number | null;
}

/** A requirement's status in a run: its declared coverage, unless a named test failed or is gone. */
export type RequirementStatus = Coverage | 'failing';
