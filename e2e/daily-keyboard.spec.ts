/**
 * Issue 12 items 5, 6, 7 and 9: the keyboard (focus back to the opener after Escape, the
 * pre-flight sheet's first field, `/` and Ctrl+K, shortcuts listed on `?`, the sidebar as one Tab
 * stop, visible focus on a select), honest labels (anonymous, the doctor's info state), a drop on
 * the home screen aimed at the last used reachable registry, and an archive error that stays on
 * its row after its sheet closes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildArchive } from '../test/support/archives/archive';
import { expect, test } from '../test/support/app/playwright';
import { expectAccessible } from '../test/support/app/axe';
import { addRegistryByUi, seedDaily } from '../test/support/app/daily';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';

let reg: RunningRegistry;
let dir: string;
let archive: string;

test.beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-keys-'));
  archive = join(dir, 'keys.tar');
  await buildArchive(archive, { layout: 'docker-oci', images: [{ tags: ['keys:1'], layers: [{ sizeBytes: 10_000 }] }], seed: 'keys' });
  await seedDaily(reg);
});

test.afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What has the focus, as a short description. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.tagName.toLowerCase()}|${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : 'none';
  });

test('focus returns to what opened a dialog; the sheet focuses its first field; / and Ctrl+K find the filter', async ({ page, app }) => {
  const id = await addRegistryByUi(page, reg.host);
  await page.getByRole('button', { name: 'Edit registry' }).click();
  await expect(page.getByRole('dialog', { name: /^Edit / })).toBeVisible();
  expect(await focused(page)).toMatch(/^input\|/);
  await page.keyboard.press('Escape');
  expect(await focused(page)).toBe('button|Edit registry');

  await page.keyboard.press('/');
  await expect(page.getByLabel('Filter repositories')).toBeFocused();
  await page.keyboard.type('app');
  await page.getByRole('button', { name: 'Edit registry' }).focus();
  await page.keyboard.press('Control+K');
  await expect(page.getByLabel('Filter repositories')).toBeFocused();

  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`);
  const table = page.getByRole('table', { name: 'Tags' });
  const del = table.getByRole('button', { name: 'Delete v0.0.2', exact: true });
  await del.click();
  await expect(page.getByRole('dialog', { name: 'Delete team/app:v0.0.2' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(del).toBeFocused();
  // Tab goes on from there to the next row, not from <body>.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('a|v0.0.3');
  // Delete (the key) on the focused row asks first, and Escape comes back to the row.
  await page.keyboard.press('Delete');
  await expect(page.getByRole('dialog', { name: 'Delete team/app:v0.0.3' })).toBeVisible();
  await page.keyboard.press('Escape');
  expect(await focused(page)).toBe('a|v0.0.3');

  // The pre-flight sheet: its first field has the focus, and a focused select shows it.
  await page.getByTestId('dock-file-input').setInputFiles(archive);
  const sheet = page.getByRole('dialog', { name: 'Push keys.tar' });
  await expect(sheet.getByLabel('Registry')).toBeFocused();
  await sheet.getByLabel('Registry').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const outline = await sheet.getByLabel('Registry').evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await page.keyboard.press('Escape');
});

test('shortcuts: ? lists them, Ctrl+O opens the file chooser, Ctrl+R refreshes without reloading', async ({ page, app }) => {
  const id = await addRegistryByUi(page, reg.host);
  await page.goto(`${app.origin}/#/r/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`);
  await expect(page.getByRole('table', { name: 'Tags' }).locator('[data-tag="v0.0.1"]')).toBeVisible();
  await page.locator('main h1').click();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  for (const what of ['Push an archive', 'Refresh what this screen shows', 'Delete the focused tag', 'Show these shortcuts']) await expect(help).toContainText(what);
  await expectAccessible(page, 'shortcut overlay');
  await page.keyboard.press('Escape');

  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Control+O');
  await chooser;

  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const listed = page.waitForRequest((r) => r.url().endsWith('/api/listTags'));
  await page.keyboard.press('Control+R');
  await listed;
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test('the sidebar is one Tab stop; arrows move between registries and their buttons', async ({ page, app: _app }) => {
  await addRegistryByUi(page, reg.host);
  const sidebar = page.getByRole('navigation', { name: 'Registries' });
  await sidebar.getByRole('button', { name: 'Add registry' }).focus();
  await page.keyboard.press('Tab');
  // The current registry's link holds the list's Tab stop.
  await expect(sidebar.getByRole('link', { name: new RegExp(reg.host.replace(/\./g, '\\.')) })).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await sidebar.evaluate((nav) => nav.contains(document.activeElement))).toBe(false);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowUp');
  await expect(sidebar.getByRole('link', { name: /localhost:5000/ })).toBeFocused();
  // Its first button, Move up, is disabled at the top: → goes to Move down.
  await page.keyboard.press('ArrowRight');
  await expect(sidebar.getByRole('button', { name: 'Move localhost:5000 down' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(sidebar.locator('li').first()).toHaveAttribute('data-registry-id', /.+/);
  await expect(sidebar.locator('li').last().getByRole('link')).toContainText('localhost:5000');
});

test('honest labels: anonymous is called anonymous, the doctor never says All good beside warnings', async ({ page, app: _app }) => {
  await addRegistryByUi(page, reg.host);
  const sidebar = page.getByRole('navigation', { name: 'Registries' });
  const item = sidebar.locator('li', { hasText: reg.host });
  await expect(item.getByTestId('registry-meta')).toHaveText('anonymous');
  await expect(sidebar.getByText('docker credentials')).toHaveCount(0);
  await page.getByText('Registry doctor').click();
  // distribution offers neither the referrers API nor HTTP garbage collection: normal, so info.
  await expect(page.getByTestId('doctor-gc')).toHaveAttribute('data-verdict', 'info');
  await expect(page.getByTestId('doctor-referrers')).toHaveAttribute('data-verdict', 'info');
  await expect(page.getByTestId('doctor-summary')).toHaveText('All good');
  await expect(page.locator('.doctor .pill.warn')).toHaveCount(0);
});

test('a drop on the home screen goes to the last used reachable registry; an archive error stays on its row', async ({ page, app: _app }) => {
  const id = await addRegistryByUi(page, reg.host);
  // localhost:5000 (saved first, nothing listens there) is neither in view nor reachable.
  await page.getByRole('link', { name: 'Berth', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Berth', level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Saved registries' }).locator('[data-tone="bad"]')).toHaveCount(1);
  await page.getByTestId('dock-file-input').setInputFiles(archive);
  const sheet = page.getByRole('dialog', { name: 'Push keys.tar' });
  await expect(sheet.getByLabel('Registry')).toHaveValue(id);
  await sheet.getByRole('button', { name: 'Cancel' }).click();

  const broken = join(dir, 'broken.tar');
  await writeFile(broken, 'this is not a tar archive at all, just text long enough to be read'.repeat(20));
  await page.getByTestId('dock-file-input').setInputFiles(broken);
  const bad = page.getByRole('dialog', { name: 'Push broken.tar' });
  await expect(bad.getByTestId('error-state')).toBeVisible();
  const message = (await bad.getByTestId('error-state').locator('.state-message').textContent())!;
  await bad.getByRole('button', { name: 'Close' }).click();
  const row = page.getByRole('region', { name: 'Pushes' }).getByRole('article', { name: 'broken.tar' });
  await expect(row).toContainText(message);
  await expect(page.getByRole('region', { name: 'Pushes' }).getByTestId('dock-counts')).toHaveText('1 failed');
});
