/** Playwright fixtures: each test gets its own `berth serve`, opened in the page; screenshots. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startApp, type RunningApp } from './serve';

export { startApp, type RunningApp };
const ROOT = resolve(import.meta.dirname, '../../..');

/** Where screenshots of each screen go (CI keeps them as artifacts; we look at them). */
export const ARTIFACTS = resolve(ROOT, 'e2e/artifacts');

/** Saves a full-page screenshot named after the step. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Each test gets its own `berth serve` (registries live in main for the session), opened in the page with a login link of its own. */
export const test = base.extend<{ app: RunningApp }>({
  app: async ({ page }, use) => {
    const app = await startApp();
    await page.goto(await app.loginUrl());
    await use(app);
    await app.stop();
  },
});
export { expect };
