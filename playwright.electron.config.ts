import { defineConfig } from '@playwright/test';

/**
 * `npm run test:electron`: the desktop app itself, through Playwright's `_electron`, on machines
 * that have Electron's binary (CI here installs without it and runs `playwright.config.ts`,
 * which leaves `e2e/electron/` out). Headless Linux needs a display: `xvfb-run npm run test:electron`.
 */
export default defineConfig({
  testDir: 'e2e/electron',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/electron',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
});
