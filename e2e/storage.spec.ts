/**
 * Issue 11's journeys on the web shell against a real registry whose images share layers across
 * repositories: build the index, read the storage view (totals, treemap, table), select tags and
 * read the exact bytes freed, confirm exactly those tags and delete them; search from the
 * keyboard and open a result; the delete dialog's exact figure. axe on the storage view and search.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible, inBothSchemes } from '../test/support/app/axe';
import { expect, shot, startApp, test as base, type RunningApp } from '../test/support/app/playwright';
import { pushImage, type PushedImage } from '../test/support/images/push';
import { storedBlobs, sumSizes } from '../test/support/registry/storage';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';

/** Each test's own `berth serve`, with its own cache folder (the index lives there), never the user's. */
const test = base.extend<{ indexed: RunningApp }>({
  indexed: async ({ page }, use) => {
    const cache = mkdtempSync(join(tmpdir(), 'berth-e2e-cache-'));
    const app = await startApp({ BERTH_CACHE_DIR: cache });
    await page.goto(await app.loginUrl());
    await use(app);
    await app.stop();
    rmSync(cache, { recursive: true, force: true });
  },
});

let reg: RunningRegistry;
const img: Record<string, PushedImage> = {};

// A fresh registry per test: the first test deletes tags that the later ones count on.
test.beforeEach(async () => {
  reg = await startRegistry();
  // One base OS shared by every app image; app/web:v1 also stored, as is, in mirror/web.
  const os = { seed: 'os', created: '2024-01-01T00:00:00Z' };
  img.base = await pushImage(reg, 'base/os', ['12'], { ...os, layerSizes: [30_000, 20_000] });
  img.web1 = await pushImage(reg, 'app/web', ['v1'], { ...os, layerSizes: [30_000, 20_000, 40_000], labels: { team: 'web' } });
  img.mirror = await pushImage(reg, 'mirror/web', ['v1'], { ...os, layerSizes: [30_000, 20_000, 40_000], labels: { team: 'web' } });
  img.web2 = await pushImage(reg, 'app/web', ['v2', 'latest'], { ...os, layerSizes: [30_000, 20_000, 41_000], created: '2024-02-01T00:00:00Z' });
  img.web3 = await pushImage(reg, 'app/web', ['v3'], { ...os, layerSizes: [30_000, 20_000, 42_000], created: '2024-03-01T00:00:00Z' });
  img.api = await pushImage(reg, 'app/api', ['1'], { ...os, layerSizes: [30_000, 20_000, 43_000] });
  img.solo = await pushImage(reg, 'other/solo', ['1', '1.0'], { seed: 'solo', layerSizes: [50_000] });
});

test.afterEach(async () => {
  await reg?.stop();
});

/** Bytes garbage collection gives back when only `image` goes: its manifest, config and top layer (the rest is shared). */
const ownBytes = (image: PushedImage, ownLayers: number): number => {
  const layers = image.layers.slice(-ownLayers).reduce((n, l) => n + l.size, 0);
  const config = image.size - image.layers.reduce((n, l) => n + l.size, 0);
  return image.manifestBytes.length + config + layers;
};

async function addRegistry(page: Page) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(reg.host);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByText(/^(app\/)?web$/).first()).toBeVisible();
}

/** Builds the index from the status line on screen and waits until it is ready. */
async function buildIndex(page: Page) {
  const status = page.getByTestId('index-status').first();
  await status.getByRole('button', { name: 'Build the index' }).click();
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}

async function registryTags(repo: string): Promise<string[]> {
  const body = (await (await reg.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] | null };
  return (body.tags ?? []).sort();
}

test('storage view: totals, treemap, table; a selection of tags, its exact figure, its confirmation, the delete', async ({ page, indexed: _app }) => {
  await addRegistry(page);
  await page.getByTestId('current-registry-links').getByRole('link', { name: 'Storage' }).click();
  await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
  await buildIndex(page);

  const totals = page.getByTestId('storage-totals');
  await expect(totals).toContainText('Sum of tag sizes');
  const stored = sumSizes(await storedBlobs(reg));
  await expect(totals).toHaveAttribute('data-stored-bytes', String(stored));
  const treemap = page.getByTestId('treemap');
  await expect(treemap.getByRole('button', { name: /^app\/web: .+ only it references$/ })).toBeVisible();
  const table = page.getByRole('table', { name: 'Storage by repository' });
  await expect(table.locator('tbody tr')).toHaveCount(5);
  // mirror/web references only blobs app/web has too: nothing of its own.
  await expect(table.locator('tr[data-repository="mirror/web"] td').nth(2)).toHaveText('0 B');
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'storage-01-registry-1440');
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot(page, 'storage-02-registry-1024');
  await inBothSchemes(page, (scheme) => expectAccessible(page, `storage view (${scheme})`));

  // The treemap's cell opens the repository's rows, as the table's name does.
  await treemap.getByRole('button', { name: /^app\/web: / }).click();
  const panel = page.getByTestId('repository-storage');
  await expect(panel.getByRole('heading', { name: 'app/web' })).toBeVisible();
  const tags = panel.getByRole('table', { name: 'Tags of app/web' });
  await expect(tags.locator('tbody tr')).toHaveCount(4);
  // v1 alone frees nothing (mirror/web keeps the same image); v3 alone frees its manifest, config and top layer.
  await expect(tags.locator('tr[data-tag="v1"] [data-testid="tag-freed"]')).toHaveText('0 B');

  await panel.getByRole('checkbox', { name: 'Select v1' }).check();
  await panel.getByRole('checkbox', { name: 'Select v2' }).check();
  const freed = panel.getByTestId('selection-freed');
  const expected = ownBytes(img.web2, 1);
  await expect(freed).toHaveAttribute('data-freed-bytes', String(expected));
  await expect(freed).toHaveAttribute('data-exact', 'true');
  await expect(freed).toContainText(/Deleting these 2 tags frees exactly .+ after garbage collection, registry-wide/);
  await expect(freed).toContainText(/index as of/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'storage-03-selection-1440');
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot(page, 'storage-03-selection-1024');
  await inBothSchemes(page, (scheme) => expectAccessible(page, `storage view with a repository open (${scheme})`));

  await panel.getByRole('button', { name: 'Delete 2 tags…' }).click();
  // Registries delete by digest: v2's digest carries `latest` too, and the dialog says so.
  const dialog = page.getByRole('dialog', { name: 'Delete 3 tags from app/web' });
  const listed = dialog.getByRole('list', { name: 'Tags that will be deleted' }).getByRole('listitem');
  await expect(listed).toHaveCount(3);
  expect((await listed.allTextContents()).sort()).toEqual(['latest', 'v1', 'v2']);
  await expect(dialog.getByTestId('selection-delete-freed')).toHaveAttribute('data-freed-bytes', String(expected));
  await shot(page, 'storage-04-confirm');
  await expectAccessible(page, 'selection delete confirmation', { include: 'dialog[open]' });
  await dialog.getByRole('button', { name: 'Delete 3 tags', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  expect(await registryTags('app/web')).toEqual(['v3']);
  await expect(tags.locator('tbody tr')).toHaveCount(1);
});

test('search from the keyboard: `/`, a query, arrows and Enter open the image view', async ({ page, indexed: _app }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await addRegistry(page);
  // The registry page's `/` is its repository filter's; everywhere else `/` opens the search.
  await page.getByTestId('current-registry-links').getByRole('link', { name: 'Storage' }).click();
  await buildIndex(page);

  await page.getByRole('heading', { name: 'Storage', level: 1 }).click();
  await page.keyboard.press('/');
  const dialog = page.getByRole('dialog', { name: 'Search the registry' });
  const box = dialog.getByRole('combobox', { name: /Search repositories/ });
  await expect(box).toBeFocused();
  await page.keyboard.type('tag:1*');
  const results = dialog.getByRole('listbox', { name: 'Search results' }).getByRole('option');
  // 1, 1.0 and 12: a glob over every repository's tags.
  await expect(results).toHaveCount(4);
  await expect(dialog.getByRole('status')).toContainText('4 matches');
  await shot(page, 'search-01-results');
  await inBothSchemes(page, (scheme) => expectAccessible(page, `search (${scheme})`, { include: 'dialog[open]' }));

  await page.keyboard.press('ArrowDown');
  const active = dialog.getByRole('listbox', { name: 'Search results' }).getByRole('option', { selected: true });
  await expect(active).toHaveCount(1);
  const name = (await active.locator('.hit-name').textContent())!;
  expect(name).toMatch(/^(app\/api:1|other\/solo:1|other\/solo:1\.0|base\/os:12)$/);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  const [repository, tag] = name.split(':');
  await expect(page).toHaveURL(new RegExp(`#/r/[^/]+/${encodeURIComponent(repository)}/${tag.replace('.', '\\.')}$`));
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible();

  // Ctrl+K opens it anywhere, and "Images built on this one" asks for the images above this one.
  await page.keyboard.press('Control+k');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('images built on this one, from the image view', async ({ page, indexed: _app }) => {
  await addRegistry(page);
  await buildIndex(page);
  await page.goto(`${page.url().split('#')[0]}#/r/${encodeURIComponent(await registryId(page))}/base%2Fos/12`);
  await page.getByRole('button', { name: 'Images built on this one' }).click();
  const dialog = page.getByRole('dialog', { name: 'Search the registry' });
  await expect(dialog.getByRole('combobox', { name: /Search repositories/ })).toHaveValue(/^base:base\/os@sha256:/);
  const names = dialog.getByRole('listbox', { name: 'Search results' }).locator('.hit-name');
  await expect(names).toHaveCount(6);
  expect((await names.allTextContents()).sort()).toEqual(['app/api:1', 'app/web:latest', 'app/web:v1', 'app/web:v2', 'app/web:v3', 'mirror/web:v1']);
});

test('the delete dialog shows the exact registry-wide figure from the index', async ({ page, indexed: _app }) => {
  await addRegistry(page);
  await buildIndex(page);
  await page.getByText(/^(other\/)?solo$/).first().click();
  await page.getByRole('table', { name: 'Tags' }).getByText('1.0', { exact: true }).click();
  await page.getByRole('button', { name: 'Delete 1.0', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete other/solo:1.0' });
  const figure = dialog.getByTestId('reclaim-figure');
  await expect(figure).toHaveAttribute('data-freed-bytes', String(ownBytes(img.solo, 1)));
  await expect(figure).toContainText(/Deleting it frees exactly .+ after garbage collection, registry-wide/);
  await shot(page, 'storage-05-delete-dialog');
  await expectAccessible(page, 'delete dialog', { include: 'dialog[open]' });
});

/** The id of the one registry added (from the current hash route). */
async function registryId(page: Page): Promise<string> {
  const hash = new URL(page.url()).hash;
  const m = /^#\/[rs]\/([^/]+)/.exec(hash);
  if (!m) throw new Error(`no registry in ${hash}`);
  return decodeURIComponent(m[1]);
}

test('the cleanup preview and its confirmation show the exact figure for the digests the rules delete', async ({ page, indexed: _app }) => {
  await addRegistry(page);
  await buildIndex(page);
  await page.getByText(/^(app\/)?web$/).first().click();
  await page.getByRole('button', { name: 'Clean up…' }).click();
  await page.getByLabel('Keep newest').fill('1');
  // v3 stays; v1 (also in mirror/web: frees nothing) and v2 with latest go.
  const preview = page.getByTestId('cleanup-freed');
  await expect(preview).toHaveAttribute('data-freed-bytes', String(ownBytes(img.web2, 1)));
  await expect(preview).toContainText(/frees exactly .+ after garbage collection, registry-wide/);
  await page.getByRole('button', { name: 'Delete 3 tags…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete 3 tags from app/web' });
  await expect(dialog.getByTestId('cleanup-confirm-freed')).toHaveAttribute('data-freed-bytes', String(ownBytes(img.web2, 1)));
  await shot(page, 'storage-06-cleanup-confirm');
});
