import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../../electron/dev/workstation.ts';

const AXE_SOURCE = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');

/** One axe-core rule broken on the page, at serious or critical impact. */
export interface AxeFinding {
  readonly rule: string;
  readonly impact: string;
  /** Where (CSS selectors of the first few nodes): enough to find it, never the page's text. */
  readonly nodes: readonly string[];
}

/**
 * Runs axe-core (from node_modules, evaluated through the DevTools protocol, so the app's CSP is
 * not loosened for it) over the page as shown, and returns the serious and critical violations.
 */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(await fs.readFile(AXE_SOURCE, 'utf8'));
  return (await page.evaluate(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))
  `)) as AxeFinding[];
}
