/**
 * Issue 2's journey on the web shell against a real registry: add the registry, open a
 * repository, open a tag and see its layers; open an index and see both platforms; delete a tag
 * after seeing, in the confirmation, the other tag that shares its digest.
 */
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage, pushIndex } from '../test/support/images/push';
import { expect, shot, test } from '../test/support/app/playwright';

let reg: RunningRegistry;
let webDigest: string;

test.beforeAll(async () => {
  reg = await startRegistry();
  const web = await pushImage(reg, 'team/web', ['1.0', 'stable'], {
    layers: 3,
    seed: 'web',
    cmd: ['nginx', '-g', 'daemon off;'],
    env: ['PATH=/usr/local/bin:/usr/bin', 'NGINX_VERSION=1.27'],
    labels: { 'org.opencontainers.image.title': 'web' },
    exposedPorts: ['80/tcp'],
    emptyHistory: 2,
  });
  webDigest = web.digest;
  await pushImage(reg, 'team/web', ['2.0'], { layers: 2, seed: 'web-2' });
  await pushIndex(reg, 'team/multi', ['1.0'], [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ], { attestation: true });
  await pushImage(reg, 'tools/alpine', ['3.20'], { seed: 'alpine' });
});

test.afterAll(async () => {
  await reg?.stop();
});

async function addRegistry(page: import('@playwright/test').Page) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(reg.host);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

test('add a registry, open a repository and a tag, see its layers', async ({ page, app: _app }) => {
  await shot(page, '01-empty');
  await addRegistry(page);
  await expect(page.getByText('team/web').or(page.getByText('web', { exact: true })).first()).toBeVisible();
  await expect(page.getByText('tools/alpine').or(page.getByText('alpine', { exact: true })).first()).toBeVisible();
  await shot(page, '02-repositories');

  await page.getByLabel('Filter repositories').fill('web');
  await expect(page.getByText('alpine', { exact: true })).toHaveCount(0);
  await page.getByText(/^(team\/)?web$/).first().click();

  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.getByRole('row').filter({ hasText: '1.0' })).toBeVisible();
  await expect(tags.getByRole('row').filter({ hasText: 'stable' })).toBeVisible();
  await expect(tags.getByRole('row').filter({ hasText: '2.0' })).toBeVisible();
  // details of visible rows arrive: the digest of 1.0 is shown (short form).
  await expect(tags.getByRole('row').filter({ hasText: '1.0' })).toContainText(webDigest.slice(7, 19));
  await shot(page, '03-tags');

  await tags.getByRole('row').filter({ hasText: '1.0' }).getByText('1.0', { exact: true }).click();
  const layers = page.getByRole('table', { name: 'Layers' });
  await expect(layers).toBeVisible();
  // 3 layers plus 2 empty history lines.
  await expect(layers.getByRole('row').filter({ hasText: /empty layer/i })).toHaveCount(2);
  const config = page.getByTestId('image-config');
  await expect(config.getByText('NGINX_VERSION=1.27', { exact: true })).toBeVisible();
  await expect(config.getByText('80/tcp', { exact: true })).toBeVisible();
  await shot(page, '04-image');
});

test('open an index and see both platforms', async ({ page, app: _app }) => {
  await addRegistry(page);
  await page.getByText(/^(team\/)?multi$/).first().click();
  await page.getByRole('table', { name: 'Tags' }).getByText('1.0', { exact: true }).click();
  const platforms = page.getByRole('table', { name: 'Platforms' });
  await expect(platforms.getByRole('row').filter({ hasText: 'amd64' })).toBeVisible();
  await expect(platforms.getByRole('row').filter({ hasText: 'arm64' })).toBeVisible();
  // buildx writes one attestation manifest per platform; each is labelled, not listed as a platform.
  await expect(platforms.getByRole('row').filter({ hasText: /attestation for/i })).toHaveCount(2);
  await shot(page, '05-index');
});

test('delete a tag after seeing the tag that shares its digest', async ({ page, app: _app }) => {
  await addRegistry(page);
  await page.getByText(/^(team\/)?web$/).first().click();
  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.getByRole('row').filter({ hasText: 'stable' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete 1.0', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete team/web:1.0' });
  await expect(dialog).toContainText('stable');
  await expect(dialog).toContainText('1.0');
  await expect(dialog).toContainText(/garbage collect/i);
  await shot(page, '06-delete-confirm');
  await dialog.getByRole('button', { name: 'Delete 2 tags', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(tags.getByRole('row').filter({ hasText: '2.0' })).toBeVisible();
  await expect(tags.getByRole('row').filter({ hasText: 'stable' })).toHaveCount(0);
  await shot(page, '07-after-delete');

  // The registry itself agrees: both tags are gone, 2.0 stays.
  const res = await fetch(`${reg.url}/v2/team/web/tags/list`);
  const body = (await res.json()) as { tags: string[] | null };
  expect((body.tags ?? []).sort()).toEqual(['2.0']);
});
