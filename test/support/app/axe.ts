/**
 * Accessibility check for any screen: injects axe-core into the page and fails on serious or
 * critical violations, naming each rule, its help text and the elements it found. Every spec
 * calls it on the screens it opens (issue 12): `await expectAccessible(page, 'tags table')`.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Options of expectAccessible. */
export interface AxeOptions {
  /** Only this part of the page (a CSS selector), e.g. an open dialog. */
  include?: string;
  /** Rule ids to leave out, each with the reason in a comment at the call. */
  disableRules?: string[];
}

/** The serious and critical violations axe finds on the page as it is now. */
export async function axeViolations(page: Page, opts: AxeOptions = {}): Promise<Violation[]> {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses an inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async (o) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    const rules = Object.fromEntries((o.disableRules ?? []).map((id) => [id, { enabled: false }]));
    const result = await axe.run(o.include ? { include: [o.include] } : document, { resultTypes: ['violations'], rules });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, opts);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with a readable list when axe finds a serious or critical violation; `where` names the screen. */
export async function expectAccessible(page: Page, where: string, opts: AxeOptions = {}): Promise<void> {
  const violations = await axeViolations(page, opts);
  const text = violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 6).map((n) => `    ${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1).join(' ').trim()}`).join('\n')}`)
    .join('\n');
  expect(violations.length, `axe on ${where}:\n${text}`).toBe(0);
}

/** Runs `check` once in the light and once in the dark color scheme (prefers-color-scheme). */
export async function inBothSchemes(page: Page, check: (scheme: 'light' | 'dark') => Promise<void>): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await check(scheme);
  }
}
