/**
 * Issue 4's cleanup journey on the web shell against a real registry: rules → live preview →
 * dry run (nothing changes) → confirmation → delete → exactly the newest two tags remain. And
 * the registry doctor on a registry with deletes disabled, showing the fix.
 */
import type { Page } from '@playwright/test';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage, pushIndex } from '../test/support/images/push';
import { expect, shot, test } from '../test/support/app/playwright';
import { seedClient } from '../test/support/images/seed-client';

const REPO = 'shop/api';
/** Oldest first: created one month apart, so "keep newest 2" keeps the last two. */
const TAGS = ['1.0', '1.1', '1.2', '2.0', '2.1', '2.2'];
const created = (i: number): string => `2024-${String(i + 1).padStart(2, '0')}-15T10:00:00Z`;

let reg: RunningRegistry;
let locked: RunningRegistry;

test.beforeAll(async () => {
  [reg, locked] = await Promise.all([startRegistry(), startRegistry({ deleteEnabled: false })]);
  for (const [i, tag] of TAGS.entries()) await pushImage(reg, REPO, [tag], { created: created(i), seed: `cleanup-${tag}` });
  await pushImage(locked, 'locked/app', ['1.0'], { seed: 'locked' });
  // An index that stays, one of its platform images tagged on its own under a name the rules select.
  const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];
  const kept = await pushIndex(reg, 'shop/multi', ['latest'], platforms, { created: '2024-09-01T00:00:00Z', seed: 'multi-new' });
  await pushIndex(reg, 'shop/multi', ['old'], platforms, { created: '2024-01-01T00:00:00Z', seed: 'multi-old' });
  await seedClient(reg).putManifest('shop/multi', 'old-amd64', kept.images[0].mediaType, kept.images[0].manifestBytes);
});

test.afterAll(async () => {
  await Promise.all([reg?.stop(), locked?.stop()]);
});

async function addRegistry(page: Page, r: RunningRegistry) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(r.host);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

async function registryTags(r: RunningRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${r.url}/v2/${repo}/tags/list`);
  const body = (await res.json()) as { tags: string[] | null };
  return (body.tags ?? []).sort();
}

test('keep the newest two: preview, dry run, confirm, delete', async ({ page, app: _app }) => {
  await addRegistry(page, reg);
  await page.getByText(/^(shop\/)?api$/).first().click();
  await expect(page.getByRole('table', { name: 'Tags' }).getByRole('row').filter({ hasText: '2.2' })).toBeVisible();
  await page.getByRole('button', { name: 'Clean up…' }).click();
  await expect(page.getByRole('heading', { name: `Clean up ${REPO}` })).toBeVisible();
  await expect(page.getByText(/Set at least one rule/)).toBeVisible();
  await shot(page, 'cleanup-01-rules');

  await page.getByLabel('Keep newest').fill('2');
  const preview = page.getByRole('table', { name: 'Cleanup preview' });
  await expect(preview.locator('tbody tr')).toHaveCount(6);
  const deletes = preview.locator('tr[data-decision="delete"]');
  const keeps = preview.locator('tr[data-decision="keep"]');
  await expect(deletes).toHaveCount(4);
  await expect(keeps).toHaveCount(2);
  expect((await deletes.locator('td:first-child').allTextContents()).sort()).toEqual(['1.0', '1.1', '1.2', '2.0']);
  expect((await keeps.locator('td:first-child').allTextContents()).sort()).toEqual(['2.1', '2.2']);
  await expect(keeps.first()).toContainText('among the 2 newest');
  await expect(deletes.first()).toContainText('Delete');
  await expect(page.getByTestId('cleanup-summary')).toContainText(/Frees about .+ after garbage collection/);
  await shot(page, 'cleanup-02-preview');

  await page.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('table', { name: 'Dry run result' });
  await expect(dry.getByText('Would delete')).toHaveCount(4);
  await expect(page.getByTestId('dry-run-result')).toContainText('Nothing was changed');
  expect(await registryTags(reg, REPO)).toEqual(TAGS);
  await shot(page, 'cleanup-03-dry-run');

  await page.getByRole('button', { name: 'Delete 4 tags…' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete 4 tags from ${REPO}` });
  await expect(dialog).toBeVisible();
  const listed = dialog.getByRole('list', { name: 'Tags that will be deleted' }).getByRole('listitem');
  expect((await listed.allTextContents()).sort()).toEqual(['1.0', '1.1', '1.2', '2.0']);
  await shot(page, 'cleanup-04-confirm');
  await dialog.getByRole('button', { name: 'Delete 4 tags' }).click();
  await expect(dialog).toBeHidden();

  const result = page.getByRole('table', { name: 'Cleanup result' });
  await expect(result.getByText('Deleted', { exact: true })).toHaveCount(4);
  await expect(page.getByTestId('cleanup-result')).toContainText('Deleted 4 tags');
  await expect(page.getByText('registry garbage-collect /etc/docker/registry/config.yml').first()).toBeVisible();
  expect(await registryTags(reg, REPO)).toEqual(['2.1', '2.2']);
  // The preview planned again: nothing left to delete.
  await expect(preview.locator('tr[data-decision="delete"]')).toHaveCount(0);
  await shot(page, 'cleanup-05-result');

  await page.getByRole('link', { name: 'Back to tags' }).click();
  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.getByRole('row').filter({ hasText: '2.2' })).toBeVisible();
  await expect(tags.getByRole('row').filter({ hasText: '1.0' })).toHaveCount(0);
  await shot(page, 'cleanup-06-tags-after');
});

test('the doctor shows delete disabled and how to enable it', async ({ page, app: _app }) => {
  await addRegistry(page, locked);
  await expect(page.getByRole('heading', { name: 'Registry doctor' })).toBeVisible();
  const item = page.getByTestId('doctor-delete');
  await expect(item).toHaveAttribute('data-verdict', 'fail');
  await expect(item).toContainText('disabled');
  await expect(item).toContainText('REGISTRY_STORAGE_DELETE_ENABLED=true');
  await expect(item).toContainText('enabled: true');
  await expect(page.getByTestId('doctor-reachable')).toHaveAttribute('data-verdict', 'ok');
  await expect(page.getByTestId('doctor-catalog')).toHaveAttribute('data-verdict', 'ok');
  await shot(page, 'cleanup-07-doctor');
  await page.getByRole('heading', { name: 'Reclaim space' }).click();
  // distribution offers no POST /v2/_gc: no button, the command instead.
  await expect(page.getByRole('button', { name: 'Run garbage collection' })).toHaveCount(0);
  const debian = page.getByText('docker-registry garbage-collect /etc/docker/registry/config.yml');
  await debian.scrollIntoViewIfNeeded();
  await expect(debian).toBeVisible();
  await shot(page, 'cleanup-08-reclaim');
});

test('a platform image of an index that stays is protected, never deleted', async ({ page, app: _app }) => {
  await addRegistry(page, reg);
  await page.getByText(/^(shop\/)?multi$/).first().click();
  await page.getByRole('button', { name: 'Clean up…' }).click();
  await page.getByLabel('Name matches').fill('old*');
  const preview = page.getByRole('table', { name: 'Cleanup preview' });
  await expect(preview.locator('tbody tr')).toHaveCount(3);
  const row = (tag: string) => preview.locator('tbody tr').filter({ has: page.getByRole('cell', { name: tag, exact: true }) });
  await expect(row('old')).toHaveAttribute('data-decision', 'delete');
  await expect(row('old-amd64')).toHaveAttribute('data-decision', 'protected');
  await expect(row('old-amd64')).toContainText('child of kept index latest');
  await expect(row('latest')).toHaveAttribute('data-decision', 'keep');
  await expect(page.getByRole('button', { name: 'Delete 1 tag…' })).toBeEnabled();
  await expect(page.getByText(/2 platform manifests of deleted indexes will be left untagged/)).toBeVisible();
  await shot(page, 'cleanup-09-protected');
});
