/**
 * Screenshots for docs/screenshots (not part of the test run): the registry page with nine
 * finished pushes, the tags table and the image view, at 1440×900 in the light theme, against a
 * real registry and `berth serve`. `npx electron-vite build && npx tsx scripts/screenshots.ts after`
 * writes `docs/screenshots/<name>-after.png`; `--dark` the dark theme (`<name>-dark-after.png`);
 * `--readme` also replaces docs/screenshot.png.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { startApp } from '../test/support/app/serve';
import { addRegistryByUi, pushArchivesViaApi, seedDaily } from '../test/support/app/daily';
import { startRegistry } from '../test/support/registry/start';

const label = process.argv[2] ?? 'after';
const readme = process.argv.includes('--readme');
const scheme = process.argv.includes('--dark') ? 'dark' : 'light';
const OUT = resolve(import.meta.dirname, '../docs/screenshots');

const reg = await startRegistry();
const app = await startApp();
const browser = await chromium.launch({ executablePath: process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  await seedDaily(reg);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
  await page.goto(await app.loginUrl());
  const id = await addRegistryByUi(page, reg.host);
  await pushArchivesViaApi(page, id, 9);
  mkdirSync(OUT, { recursive: true });
  const shot = async (name: string) => {
    // Details, dates and chips settle; nothing here is timed.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(800);
    await page.screenshot({ path: resolve(OUT, `${name}${scheme === 'dark' ? '-dark' : ''}-${label}.png`) });
  };
  await page.reload();
  await page.getByRole('region', { name: 'Pushes' }).waitFor();
  await shot('registry-pushes');
  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`);
  await page.getByRole('table', { name: 'Tags' }).getByText('v0.0.12', { exact: true }).waitFor();
  await shot('tags');
  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}/v0.0.11`);
  await page.getByRole('table', { name: 'Layers' }).waitFor();
  await shot('image');
  // The README's picture: "Berth showing an image's layers".
  if (readme) await page.screenshot({ path: resolve(OUT, '../screenshot.png') });
  console.log(`Screenshots written to ${OUT} (${label})`);
} finally {
  await browser.close();
  await app.stop();
  await reg.stop();
}
