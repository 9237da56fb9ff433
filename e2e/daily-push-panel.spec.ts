/**
 * Issue 12 item 1: the push panel never takes the window. With nine finished pushes held by the
 * server and the doctor open, the main content keeps at least half the window at 1440×900 and
 * 1024×700, whatever the panel's size; its state survives a reload; it folds to one line when
 * everything is done; "Clear finished" is one click; a retried push replaces its failed row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildArchive } from '../test/support/archives/archive';
import { expect, test } from '../test/support/app/playwright';
import { addRegistryByUi, expectFinished, pushArchivesViaApi } from '../test/support/app/daily';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage } from '../test/support/images/push';

let reg: RunningRegistry;
let locked: RunningRegistry;
let dir: string;

test.beforeAll(async () => {
  [reg, locked] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' })]);
  dir = await mkdtemp(join(tmpdir(), 'berth-dock-'));
  await pushImage(reg, 'team/app', ['1.0'], { seed: 'dock' });
});

test.afterAll(async () => {
  await Promise.all([reg?.stop(), locked?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const dock = (page: Page) => page.getByRole('region', { name: 'Pushes' });
const toggle = (page: Page) => dock(page).getByRole('button', { name: 'Pushes', exact: true });

/** The main region's share of the window's height. */
async function mainShare(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementById('main')!.getBoundingClientRect().height / window.innerHeight);
}

async function archive(name: string, seed: string): Promise<string> {
  const path = join(dir, name);
  await buildArchive(path, { layout: 'docker-oci', images: [{ tags: [`${seed}:1`], layers: [{ sizeBytes: 20_000 }] }], seed });
  return path;
}

test('nine finished pushes and the doctor open: the main content keeps half the window at 1440×900 and 1024×700', async ({ page, app: _app }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const id = await addRegistryByUi(page, reg.host);
  await pushArchivesViaApi(page, id, 9);
  await page.reload();

  // Everything was done when the page loaded: one line, not the open panel.
  await expect(dock(page).getByTestId('dock-counts')).toHaveText('9 done');
  await expect(toggle(page)).toHaveAttribute('aria-expanded', 'false');
  await page.getByText('Registry doctor').click();
  await expect(page.getByTestId('doctor-delete')).toBeVisible();

  await toggle(page).click();
  await expect(dock(page).locator('article[data-phase="done"]')).toHaveCount(9);
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);
  // The biggest the panel goes, by keyboard and by dragging far up: still half for the main content.
  const handle = dock(page).getByRole('separator', { name: 'Resize the push panel' });
  await handle.focus();
  await page.keyboard.press('End');
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + 50, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + 50, 5, { steps: 4 });
  await page.mouse.up();
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);
  // The repository list is still there to use, not squeezed to a few pixels.
  expect((await page.getByTestId('repository-list').boundingBox())!.height).toBeGreaterThan(100);

  await page.setViewportSize({ width: 1024, height: 700 });
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);
  await handle.focus();
  await page.keyboard.press('Home');
  const small = Number(await handle.getAttribute('aria-valuenow'));
  await page.keyboard.press('ArrowUp');
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThan(small);
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);

  // Open stays open across a reload, folded stays folded.
  await page.reload();
  await expect(toggle(page)).toHaveAttribute('aria-expanded', 'true');
  expect(await mainShare(page)).toBeGreaterThanOrEqual(0.5);
  await toggle(page).click();
  await page.reload();
  await expect(dock(page).getByTestId('dock-counts')).toHaveText('9 done');
  await expect(toggle(page)).toHaveAttribute('aria-expanded', 'false');

  // One click clears every finished row.
  await dock(page).getByRole('button', { name: 'Clear finished' }).click();
  await expect(dock(page).getByTestId('dock-counts')).toHaveText(/Drop docker save archives/);
  await toggle(page).click();
  await expect(dock(page).locator('article[data-phase]')).toHaveCount(0);
});

test('a push opens the panel and it folds to one line once everything is done', async ({ page, app: _app }) => {
  await addRegistryByUi(page, reg.host);
  await page.getByTestId('dock-file-input').setInputFiles(await archive('fold.tar', 'fold'));
  await expect(toggle(page)).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('dialog', { name: 'Push fold.tar' }).getByRole('button', { name: 'Push', exact: true }).click();
  await expect(dock(page).getByTestId('dock-counts')).toHaveText('1 done');
  await expect(toggle(page)).toHaveAttribute('aria-expanded', 'false');
});

test('a refused push retried after fixing the password replaces its failed row; another goes elsewhere by Change destination', async ({ page, app: _app }) => {
  test.setTimeout(120_000);
  // Added with a wrong password: saved anyway after the check said so.
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(locked.host);
  await page.getByLabel('Username and password').check();
  await page.getByRole('textbox', { name: 'Username' }).fill(locked.username!);
  await page.getByLabel('Password', { exact: true }).fill('wrong-password');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const form = page.getByRole('dialog', { name: 'Add registry' });
  await expect(form.getByTestId('credential-check')).toContainText(/refused/i);
  await form.getByRole('button', { name: 'Add anyway' }).click();
  await page.waitForURL(/#\/r\/[^/]+$/);
  // Honest labels: refused, never "signed in as" next to "not signed in".
  await expect(page.getByTestId('credentials-line')).toContainText(`The registry refused ${locked.username}`);
  await expect(page.getByTestId('credentials-line')).not.toContainText('Signed in');
  await expect(page.getByRole('navigation', { name: 'Registries' }).getByText(`${locked.username}: refused`)).toBeVisible();

  await page.getByTestId('dock-file-input').setInputFiles(await archive('locked.tar', 'locked'));
  await page.getByRole('dialog', { name: 'Push locked.tar' }).getByRole('button', { name: 'Push', exact: true }).click();
  const rows = dock(page).locator('article[data-phase]');
  await expectFinished(page, rows.first(), 'failed');
  await expect(rows).toHaveCount(1);

  // Fix the password, then Retry: one row, done, no Retry left — also after a reload.
  await page.getByRole('button', { name: 'Edit registry' }).click();
  await page.getByLabel('Password', { exact: true }).fill(locked.password!);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('credentials-line')).toContainText(`Signed in as ${locked.username}`);
  await rows.first().getByRole('button', { name: 'Retry' }).click();
  await expectFinished(page, rows.first(), 'done');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await page.reload();
  await expectFinished(page, rows.first(), 'done');
  await expect(rows).toHaveCount(1);

  // A push to a registry that refuses it goes elsewhere by "Change destination…": still one row.
  await page.getByRole('button', { name: 'Edit registry' }).click();
  await page.getByLabel('Password', { exact: true }).fill('wrong-again');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const check = page.getByRole('dialog', { name: /^Edit / }).getByTestId('credential-check');
  await expect(check).toContainText(/refused/i);
  await page.getByRole('button', { name: 'Save anyway' }).click();
  // Saved (and checked again) before the next push starts.
  await expect(page.getByRole('dialog', { name: /^Edit / })).toHaveCount(0);
  await expect(page.getByTestId('credentials-line')).toContainText(`The registry refused ${locked.username}`);
  await dock(page).getByRole('button', { name: 'Clear finished' }).click();
  await page.getByTestId('dock-file-input').setInputFiles(await archive('moved.tar', 'moved'));
  await page.getByRole('dialog', { name: 'Push moved.tar' }).getByRole('button', { name: 'Push', exact: true }).click();
  await expectFinished(page, rows.first(), 'failed');
  const openId = await addRegistryByUi(page, reg.host);
  await rows.first().getByRole('button', { name: 'Change destination…' }).click();
  const sheet = page.getByRole('dialog', { name: 'Push moved.tar' });
  await sheet.getByLabel('Registry').selectOption(openId);
  await sheet.getByRole('button', { name: 'Push', exact: true }).click();
  await expectFinished(page, rows.first(), 'done');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${reg.host}/moved:1`);
});
