#!/usr/bin/env node
// `npm test`: typecheck, lint, build, unit + integration (vitest, real registry), e2e (Playwright,
// Chromium). Runs every step even after a failure, then prints one closing line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = resolve(root, '.test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const steps = [
  { name: 'typecheck', cmd: [process.execPath, resolve(root, 'scripts/typecheck.mjs')] },
  { name: 'lint', cmd: [npx, 'eslint', '.'] },
  { name: 'build', cmd: [npx, 'electron-vite', 'build'] },
  {
    name: 'unit + integration',
    cmd: [npx, 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`],
  },
  {
    name: 'e2e',
    cmd: [npx, 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json` },
  },
];

let passed = 0;
let failed = 0;
const failedSteps = [];
for (const step of steps) {
  console.log(`\n▶ ${step.name}`);
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...step.env } });
  if (r.status !== 0) failedSteps.push(step.name);
}

const vitest = resolve(reports, 'vitest.json');
if (existsSync(vitest)) {
  const v = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += (v.numFailedTests ?? 0) + (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
const pw = resolve(reports, 'playwright.json');
if (existsSync(pw)) {
  const s = JSON.parse(readFileSync(pw, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += (s.unexpected ?? 0) + (s.skipped ?? 0);
}
// A step that failed without failing a test (typecheck, lint, build, a crashed runner) counts too.
failed += failedSteps.filter((s) => !['unit + integration', 'e2e'].includes(s) || failed === 0).length;
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(', ')} (skipped tests count as failures)`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failedSteps.length || failed ? 1 : 0);
