/**
 * Issue 12 item 10: axe-core on every screen, in the light and the dark theme — home, registry
 * (doctor open), tags, image, index, delete dialog, cleanup, pre-flight sheet, push panel — finds
 * no serious or critical violation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArchive } from '../test/support/archives/archive';
import { expect, test } from '../test/support/app/playwright';
import { expectAccessible, inBothSchemes } from '../test/support/app/axe';
import { addRegistryByUi, pushArchivesViaApi, seedDaily } from '../test/support/app/daily';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';

let reg: RunningRegistry;
let dir: string;

test.beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-a11y-'));
  await seedDaily(reg);
});

test.afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('every screen passes axe in light and dark', async ({ page, app }) => {
  test.setTimeout(180_000);
  const both = (where: string, opts?: Parameters<typeof expectAccessible>[2]) =>
    inBothSchemes(page, (scheme) => expectAccessible(page, `${where} (${scheme})`, opts));

  await expect(page.getByRole('heading', { name: 'Berth', level: 1 })).toBeVisible();
  await both('home');

  const id = await addRegistryByUi(page, reg.host);
  await expect(page.getByTestId('repository-count')).toContainText('repositories');
  await page.getByText('Registry doctor').click();
  await expect(page.getByTestId('doctor-delete')).toBeVisible();
  await both('registry page with the doctor open');

  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`);
  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.locator('[data-tag="v0.0.12"] .digest-chip')).toBeVisible();
  await both('tags table');

  await tags.getByRole('button', { name: 'Delete v0.0.1', exact: true }).click();
  await expect(page.getByTestId('delete-tags')).toBeVisible();
  await both('delete dialog');
  await page.keyboard.press('Escape');

  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}/v0.0.11`);
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible();
  await both('image view');

  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/multi')}/1.0`);
  await expect(page.getByRole('table', { name: 'Platforms' })).toBeVisible();
  await both('index view');

  await page.goto(`${app.origin}/#/c/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`);
  await page.getByLabel('Keep newest').fill('2');
  await expect(page.getByRole('table', { name: 'Cleanup preview' }).locator('tbody tr')).toHaveCount(8);
  await both('cleanup');

  const archive = join(dir, 'one.tar');
  await buildArchive(archive, { layout: 'docker-oci', images: [{ tags: ['one:1'], layers: [{ sizeBytes: 10_000 }] }], seed: 'a11y' });
  await page.getByTestId('dock-file-input').setInputFiles(archive);
  const sheet = page.getByRole('dialog', { name: 'Push one.tar' });
  await expect(sheet.getByRole('button', { name: 'Push', exact: true })).toBeEnabled();
  await both('pre-flight sheet');
  await sheet.getByRole('button', { name: 'Cancel' }).click();

  await pushArchivesViaApi(page, id, 3);
  await page.reload();
  const dock = page.getByRole('region', { name: 'Pushes' });
  await expect(dock).toBeVisible();
  const toggle = dock.getByRole('button', { name: 'Pushes', exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(dock.locator('article[data-phase="done"]')).toHaveCount(3);
  await both('push panel');
});
