/**
 * Issue 13 on the web shell against a real registry, at 1024×700: browse an image's files (a
 * layer filter, wasted space, a text file, a glob search, keyboard), compare two tags from the tags
 * table and from the image view, and compare a dropped archive with the tag its push would
 * replace; axe-core on the files view and the diff view.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildArchive } from '../test/support/archives/archive';
import { expectAccessible } from '../test/support/app/axe';
import { expect, shot, startApp, test as base, type RunningApp } from '../test/support/app/playwright';
import { buildLayer, L } from '../test/support/images/layers';
import { pushLayers } from '../test/support/images/push';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';

let reg: RunningRegistry;
let dir: string;

/** Each test's `berth serve` with a cache folder of its own: no layer index from an earlier run. */
const test = base.extend<{ app: RunningApp }>({
  app: async ({ page }, use, info) => {
    const app = await startApp({ BERTH_CACHE_DIR: join(dir, `cache-${info.testId}`) });
    await page.goto(await app.loginUrl());
    await use(app);
    await app.stop();
  },
});

test.use({ viewport: { width: 1024, height: 700 } });

test.beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-files-e2e-'));
  const base = await buildLayer([
    L.dir('etc'),
    L.file('etc/os-release', 'ID=berth\n'),
    L.file('etc/motd', 'hello\n'),
    L.dir('usr'),
    L.dir('usr/bin'),
    L.file('usr/bin/tool', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), { mode: 0o755 }),
    L.dir('var'),
    L.file('var/cache.bin', 'C'.repeat(4000)),
  ]);
  const one = await buildLayer([L.dir('app'), L.file('app/main.js', 'console.log(1)\n'), L.file('etc/motd', 'hello again, longer\n'), L.whiteout('var/cache.bin')]);
  const two = await buildLayer([L.dir('app'), L.file('app/main.js', 'console.log("two")\n'), L.file('app/extra.js', 'extra\n')]);
  await pushLayers(reg, 'team/app', ['1'], [base, one], { env: ['MODE=one'] });
  await pushLayers(reg, 'team/app', ['2'], [base, two], { env: ['MODE=two'] });
});

test.afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function openRepository(page: Page) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(reg.host);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText(/^(team\/)?app$/).first().click();
  await expect(page.getByRole('table', { name: 'Tags' }).locator('[data-tag="2"]')).toBeVisible();
}

/** Nothing on the page scrolls sideways at this width. */
async function expectFitsWidth(page: Page) {
  expect(await page.evaluate(() => [...document.querySelectorAll('.main, .main *')].every((el) => el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).overflowX !== 'visible'))).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
}

test('open a tag, browse its files, filter by a layer, see wasted space, view a text file, search a glob', async ({ page, app: _app }) => {
  await openRepository(page);
  await page.getByRole('link', { name: '1', exact: true }).click();
  const files = page.getByTestId('files-section');
  await files.getByRole('button', { name: 'Browse files' }).click();
  const tree = page.getByRole('treegrid');
  await expect(tree.getByTestId('file-row')).toHaveText([/^[▸▾]?app\//, /^[▸▾]?etc\//, /^[▸▾]?usr\//, /^[▸▾]?var\//]);
  // etc/motd's first version (6 B) was overwritten, var/cache.bin (4,000 B) deleted.
  await expect(files.getByTestId('wasted-total')).toHaveText('4.01 kB wasted');
  await expect(files.getByTestId('efficiency')).toHaveText(/^\d+\.\d %$/);

  // Keyboard: into etc/, down to motd, Enter shows its text.
  await tree.locator('[data-path="etc"]').focus();
  await page.keyboard.press('ArrowRight');
  await expect(tree.locator('[data-path="etc"]')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(tree.locator('[data-path="etc/motd"]')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('file-text')).toHaveText('hello again, longer\n');
  await page.keyboard.press('ArrowLeft');
  await expect(tree.locator('[data-path="etc"]')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(tree.locator('[data-path="etc"]')).toHaveAttribute('aria-expanded', 'false');

  await tree.locator('[data-path="usr"]').click();
  await tree.locator('[data-path="usr/bin"]').click();
  await tree.locator('[data-path="usr/bin/tool"]').click();
  await expect(page.getByTestId('binary-note')).toContainText('Binary file, 8 B');
  await expectFitsWidth(page);
  await shot(page, 'files-01-tree');
  await expectAccessible(page, 'the files view');

  // A click on layer 2 in the layers table: what that layer did, deletions included.
  await page.getByRole('button', { name: /show the files layer 2 changed$/ }).click();
  await expect(tree.getByTestId('file-row')).toHaveText([/^[▸▾]?app\//, /^[▸▾]?etc\//, /^[▸▾]?var\//]);
  await tree.locator('[data-path="var"]').click();
  await expect(tree.locator('[data-path="var/cache.bin"]')).toContainText('removed');
  await files.getByRole('combobox', { name: /^Show/ }).selectOption('added');
  await expect(tree.getByTestId('file-row')).toHaveText([/^[▸▾]?app\//]);
  await files.getByRole('combobox', { name: /^Show/ }).selectOption('all');
  await files.getByRole('combobox', { name: /^Layer/ }).selectOption('');

  await files.getByLabel('Search paths (glob)').fill('*.js');
  await files.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(files.getByTestId('search-count')).toContainText('1 path match');
  await expect(files.getByTestId('search-results').getByTestId('file-list-row')).toHaveText([/^\/app\/main\.js/]);
  await files.getByRole('button', { name: 'Biggest files' }).click();
  await expect(files.getByTestId('biggest-files').getByTestId('file-list-row').first()).toContainText('/etc/motd');
  await shot(page, 'files-02-search');
  await expectAccessible(page, 'the files view with a filter and a search');

  // Indexed once: the next visit opens at once, with no button to press.
  await page.reload();
  await expect(page.getByRole('treegrid').getByTestId('file-row')).toHaveCount(4);
  await expect(files.getByRole('button', { name: 'Browse files' })).toHaveCount(0);
});

test('select two tags, Compare: the summary line and a changed file; Compare with… from the image view', async ({ page, app: _app }) => {
  await openRepository(page);
  await page.getByRole('checkbox', { name: 'Select 1 to compare' }).check();
  await expect(page.getByTestId('compare-bar')).toContainText('Pick one more tag');
  await page.getByRole('checkbox', { name: 'Select 2 to compare' }).check();
  await page.getByRole('button', { name: 'Compare 1 with 2' }).click();
  await expect(page.getByTestId('diff-summary')).toHaveText('+2 files, −0, 2 changed, +4.0 kB');
  await expect(page.getByTestId('config-change')).toContainText(['MODE']);
  await expect(page.getByTestId('shared-layers')).toHaveText('1 layer shared from the bottom');
  const changed = page.getByTestId('diff-file').filter({ hasText: '/app/main.js' });
  await expect(changed).toHaveAttribute('data-change', 'changed');
  await expect(changed).toContainText('15 B → 19 B');
  await page.getByRole('button', { name: /^Added/ }).click();
  await expect(page.getByTestId('diff-file')).toHaveText([/\/app\/extra\.js/, /\/var\/cache\.bin/]);
  await expectFitsWidth(page);
  await shot(page, 'files-03-diff');
  await expectAccessible(page, 'the diff view');

  await page.goBack();
  await page.getByRole('link', { name: '2', exact: true }).click();
  await page.getByRole('button', { name: 'Compare with…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Compare team\/app:2 with/ });
  await dialog.getByLabel('Tag or digest').fill('1');
  await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByTestId('diff-summary')).toHaveText('+0 files, −2, 2 changed, −4.0 kB');
});

test('the pre-flight sheet compares the dropped image with the tag the push replaces', async ({ page, app: _app }) => {
  const path = join(dir, 'app.tar');
  await buildArchive(path, { layout: 'docker-oci', seed: 'files-e2e', images: [{ tags: ['docker.io/team/app:1'], layers: [{ files: { 'app/main.js': 'console.log(3)\n', 'app/new.txt': 'new\n' } }] }] });
  await openRepository(page);
  const bytes = await readFile(path);
  const dataTransfer = await page.evaluateHandle((b64) => {
    const bin = atob(b64);
    const data = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'app.tar', { type: 'application/x-tar' }));
    return dt;
  }, bytes.toString('base64'));
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  const sheet = page.getByRole('dialog', { name: 'Push app.tar' });
  await expect(sheet.getByLabel('Destination')).toHaveValue('team/app:1');
  await sheet.getByRole('button', { name: 'Compare with the tag this push replaces' }).click();
  const compare = page.getByRole('dialog', { name: `What this push changes in ${reg.host}/team/app:1` });
  // app/main.js has the same size and mode in both, from different layers: "maybe" changed.
  await expect(compare.getByTestId('diff-summary')).toHaveText('+1 files, −3, 1 changed (1 maybe), −33 B');
  await expect(compare.getByTestId('maybe-note')).toBeVisible();
  await expect(compare.getByTestId('diff-file').filter({ hasText: '/app/new.txt' })).toHaveAttribute('data-change', 'added');
  await expect(compare.getByTestId('diff-file').filter({ hasText: '/etc/motd' })).toHaveAttribute('data-change', 'removed');
  await shot(page, 'files-04-preflight-compare');
  await expectAccessible(page, 'the pre-flight comparison', { include: '[data-testid="compare-dialog"]' });
  await compare.getByRole('button', { name: 'Back to the push' }).click();
  await expect(compare).toBeHidden();
  await expect(sheet).toBeVisible();
  await sheet.getByRole('button', { name: 'Cancel' }).click();
});
