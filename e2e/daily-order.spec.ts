/**
 * Issue 12 items 2, 3, 4, 8 and 9 on the screens people read all day: natural order everywhere
 * (namespaces, tags, the cleanup confirmation), readable dates, a tags table whose rows keep their
 * place while details arrive and whose size sort says what it sorted, digest chips whose hues
 * never repeat for unrelated digests in view, an index's platform view that leads back to it, and
 * no sideways scrolling on any screen at 1024×700.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../test/support/app/playwright';
import { APP_TAGS, addRegistryByUi, seedDaily } from '../test/support/app/daily';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage } from '../test/support/images/push';
import { tagMany } from '../test/support/images/bulk';

let reg: RunningRegistry;

test.use({ timezoneId: 'UTC' });

test.beforeAll(async () => {
  reg = await startRegistry();
  await seedDaily(reg);
  // 60 tags, then `latest` on the image of the last one: its twin is far off screen.
  const many = await tagMany(reg, 'team/many', 60, { prefix: 'v', start: '2022-03-01T00:00:00Z', stepMinutes: 7 });
  const last = many[many.length - 1];
  const res = await fetch(`${reg.url}/v2/team/many/manifests/${last.tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  await fetch(`${reg.url}/v2/team/many/manifests/latest`, { method: 'PUT', headers: { 'content-type': res.headers.get('content-type')! }, body: Buffer.from(await res.arrayBuffer()) });
  await pushImage(reg, 'team/wide', ['a-very-long-tag-name-that-goes-on-and-on-for-a-while'], { seed: 'wide' });
});

test.afterAll(async () => {
  await reg?.stop();
});

const tagOrder = (page: Page) => page.getByTestId('tag-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tag')));
const repoHref = (id: string, repo: string, ref?: string) => `/#/r/${encodeURIComponent(id)}/${encodeURIComponent(repo)}${ref ? `/${encodeURIComponent(ref)}` : ''}`;

test('natural order: namespaces, tags and the cleanup confirmation; dates readable in the cells', async ({ page, app }) => {
  const id = await addRegistryByUi(page, reg.host);
  const groups = await page.locator('.repo-group').evaluateAll((g) => g.map((x) => x.querySelector('.mono')?.textContent));
  expect(groups.filter((g) => /^ns\d+$/.test(g ?? ''))).toEqual(['ns1', 'ns2', 'ns10']);

  await page.goto(app.origin + repoHref(id, 'team/app'));
  const table = page.getByRole('table', { name: 'Tags' });
  await expect(table.locator('[data-tag="v0.0.12"] .digest-chip')).toBeVisible();
  expect(await tagOrder(page)).toEqual(['latest', ...APP_TAGS]);
  // Six tags on 2021-06-01, three hours apart: the date with its time; the relative date on hover.
  const created = table.locator('[data-tag="v0.0.2"] .c-created time');
  await expect(created).toHaveText('2021-06-01 09:00');
  await expect(created).toHaveAttribute('title', /years ago/);
  await expect(table.locator('[data-tag="v0.0.1"] .c-created time')).toHaveText('2021-06-01 06:00');

  await page.getByRole('button', { name: 'Clean up…' }).click();
  await page.getByLabel('Keep newest').fill('1');
  await page.getByRole('button', { name: /^Delete \d+ tags…$/ }).click();
  const confirm = page.getByRole('dialog', { name: /^Delete \d+ tags from team\/app$/ });
  const listed = await confirm.getByRole('list', { name: 'Tags that will be deleted' }).getByRole('listitem').allTextContents();
  expect(listed).toEqual(APP_TAGS.slice(0, -1));
  await confirm.getByRole('button', { name: 'Cancel' }).click();
});

test('the tags table: rows keep their place while details load, the size sort says what it sorted, hues differ in view', async ({ page, app }) => {
  const id = await addRegistryByUi(page, reg.host);
  await page.goto(app.origin + repoHref(id, 'team/many'));
  const table = page.getByRole('table', { name: 'Tags' });
  await expect(table.getByTestId('tag-row').first()).toBeVisible();
  const before = await tagOrder(page);
  expect(before.slice(0, 3)).toEqual(['latest', 'v00', 'v01']);
  // Details arrive for the rows in view; nothing moves, not even `latest` with its twin.
  await expect(table.locator('[data-tag="v05"] .digest-chip')).toBeVisible();
  expect(await tagOrder(page)).toEqual(before);
  // The registry index reads every tag's digest in the background: `latest` says "2 tags" though
  // its twin v59 is far below, never loaded by a row.
  await expect(table.locator('[data-tag="latest"] [data-testid="shared-badge"]')).toHaveText('2 tags', { timeout: 30_000 });
  await expect(page.getByTestId('tag-count')).toHaveText('61 tags · every digest known');
  expect(await tagOrder(page)).toEqual(before);

  // Hues per visible set: distinct digests in view never share a hue.
  const hues = await table.locator('.digest-chip').evaluateAll((chips) => chips.map((c) => [c.getAttribute('title'), c.getAttribute('data-hue')] as const));
  const byDigest = new Map(hues);
  expect(new Set(byDigest.values()).size).toBe(byDigest.size);

  // Scroll to the end: the twin says "2 tags" too.
  await page.getByTestId('tags-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(table.locator('[data-tag="v59"] [data-testid="shared-badge"]')).toHaveText('2 tags');
  await page.getByTestId('tags-scroll').evaluate((el) => el.scrollTo(0, 0));
  // The virtualizer renders the top rows again on its next frame: wait for them, then compare.
  await expect.poll(() => tagOrder(page)).toEqual(before);

  // Sort by size: the note says among how many tags, instead of a `*` tooltip.
  await table.getByRole('button', { name: 'Size' }).click();
  await expect(page.getByTestId('sort-note')).toHaveText(/^Sorted by size among the \d+ of 61 tags whose details were loaded; the other \d+ follow in name order\./);
  await expect(table.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'ascending');
});

test('an index platform view leads back to its index', async ({ page, app }) => {
  const id = await addRegistryByUi(page, reg.host);
  await page.goto(app.origin + repoHref(id, 'team/multi', '1.0'));
  await page.getByRole('table', { name: 'Platforms' }).getByRole('link', { name: 'linux/arm64/v8' }).click();
  await expect(page.getByTestId('image-facts')).toContainText('linux/arm64/v8');
  await page.getByRole('link', { name: 'Back to index 1.0' }).click();
  await expect(page.getByRole('table', { name: 'Platforms' })).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('breadcrumb-index')).toHaveText('1.0');
});

test('at 1024×700 no screen scrolls sideways and the tags table shows its last column', async ({ page, app }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const id = await addRegistryByUi(page, reg.host);
  const fits = async (where: string) => {
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(scroll, `${where} scrolls sideways`).toBeLessThanOrEqual(inner);
  };
  await page.getByText('Registry doctor').click();
  await fits('registry page');
  for (const [repo, probe] of [['team/app', 'v0.0.12'], ['team/wide', 'a-very-long-tag-name-that-goes-on-and-on-for-a-while']] as const) {
    await page.goto(app.origin + repoHref(id, repo));
    const row = page.getByRole('table', { name: 'Tags' }).locator(`[data-tag="${probe}"]`);
    await expect(row.locator('.digest-chip')).toBeVisible();
    await fits(`tags of ${repo}`);
    const scroller = page.getByTestId('tags-scroll');
    expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const button = (await row.getByRole('button', { name: `Delete ${probe}`, exact: true }).boundingBox())!;
    const frame = (await scroller.boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(frame.x + frame.width);
  }
  for (const [where, hash] of [
    ['image view', repoHref(id, 'team/app', 'v0.0.11')],
    ['index view', repoHref(id, 'team/multi', '1.0')],
    ['cleanup', `/#/c/${encodeURIComponent(id)}/${encodeURIComponent('team/app')}`],
    ['home', '/#/'],
  ] as const) {
    await page.goto(app.origin + hash);
    await expect(page.locator('main h1').first()).toBeVisible();
    await fits(where);
  }
});
