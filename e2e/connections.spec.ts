/**
 * Saved registries ("connections") on the web shell against real registries: a TLS registry with
 * a self-signed certificate is added, its certificate shown and trusted, then browsed; edits,
 * reordering and removal survive a reload; a registry that withholds its catalog shows pinned
 * repositories.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage } from '../test/support/images/push';
import { expect, shot, startApp, test } from '../test/support/app/playwright';
import { authEntry, writeDockerConfig } from '../test/support/credentials/docker-config';

let tls: RunningRegistry;
let alpha: RunningRegistry;
let beta: RunningRegistry;

test.beforeAll(async () => {
  [tls, alpha, beta] = await Promise.all([startRegistry({ tls: true }), startRegistry(), startRegistry()]);
  await Promise.all([
    pushImage(tls, 'secure/app', ['1.0'], { seed: 'secure' }),
    pushImage(alpha, 'alpha/one', ['1'], { seed: 'alpha' }),
    pushImage(beta, 'beta/two', ['2'], { seed: 'beta' }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([tls?.stop(), alpha?.stop(), beta?.stop()]);
});

/** Adds a registry through the dialog (URL, optional name) and waits for its page. */
async function addRegistry(page: Page, url: string, name?: string) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add registry' });
  await dialog.getByLabel('Registry URL').fill(url);
  if (name) await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

const sidebar = (page: Page): Locator => page.getByRole('navigation', { name: 'Registries' });
const item = (page: Page, name: string): Locator => sidebar(page).locator('.registry-item').filter({ hasText: name });
/** The sidebar's registry names, in order. */
const names = (page: Page): Promise<string[]> => sidebar(page).locator('.registry-item .registry-host').allInnerTexts();

test('a self-signed TLS registry: see its certificate, trust it, browse it', async ({ page, app: _app }) => {
  const expected = new X509Certificate(tls.caPem!).fingerprint256;
  await addRegistry(page, tls.url, 'Secure');

  const screen = page.getByTestId('untrusted-certificate');
  await expect(screen).toBeVisible();
  await expect(screen.getByRole('heading', { name: 'Untrusted certificate' })).toBeVisible();
  await expect(screen.getByTestId('cert-fingerprint')).toHaveText(expected);
  await expect(screen.getByTestId('cert-problem')).toContainText('self-signed');
  await expect(screen).toContainText('CN=127.0.0.1');
  await expect(item(page, 'Secure').getByTestId('status-dot')).toHaveAttribute('data-tone', 'bad');
  // The repositories are not even asked for while the certificate is refused.
  await expect(page.getByRole('heading', { name: 'Repositories' })).toHaveCount(0);
  await shot(page, 'connections-01-untrusted-certificate');

  await screen.getByRole('button', { name: 'Trust this certificate' }).click();
  await expect(screen).toHaveCount(0);
  await expect(page.getByText(/^(secure\/)?app$/).first()).toBeVisible();
  await expect(item(page, 'Secure').getByTestId('status-dot')).toHaveAttribute('data-tone', 'ok');
  await shot(page, 'connections-02-trusted-browse');

  // The edit form shows the pinned fingerprint in the TLS section.
  await page.getByRole('button', { name: 'Edit registry' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Secure' });
  await expect(edit.getByRole('radio', { name: 'Trust the certificate it presents' })).toBeChecked();
  await expect(edit.getByLabel('SHA-256 fingerprint')).toHaveValue(expected);
  await shot(page, 'connections-03-edit-pinned');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // Trusting it is saved: a reload browses straight away.
  await page.reload();
  await expect(page.getByText(/^(secure\/)?app$/).first()).toBeVisible();
  await expect(page.getByTestId('untrusted-certificate')).toHaveCount(0);
});

test('a self-signed TLS registry trusted through a CA file', async ({ page, app: _app }) => {
  // The add form's TLS choices: skipping verification comes with a visible warning.
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  const add = page.getByRole('dialog', { name: 'Add registry' });
  await add.getByRole('radio', { name: 'Skip verification' }).check();
  await expect(add.getByRole('note')).toContainText('accept any certificate');
  await shot(page, 'connections-03b-add-skip-warning');
  await add.getByRole('button', { name: 'Cancel' }).click();

  await addRegistry(page, tls.url, 'With CA');
  const screen = page.getByTestId('untrusted-certificate');
  await screen.getByRole('button', { name: 'Use a CA file…' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit With CA' });
  await expect(edit.getByRole('radio', { name: 'Trust a CA file' })).toBeChecked();
  await edit.getByLabel('CA certificate (PEM)').setInputFiles({ name: 'registry-ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(tls.caPem!) });
  await expect(edit.getByText('Trusting registry-ca.pem')).toBeVisible();
  await shot(page, 'connections-03a-ca-file');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(screen).toHaveCount(0);
  await expect(page.getByText(/^(secure\/)?app$/).first()).toBeVisible();
});

test('edit, reorder and remove are saved across a reload', async ({ page, app: _app }) => {
  await expect(page.getByRole('list', { name: 'Saved registries' })).toBeVisible();
  await shot(page, 'connections-00-home');
  await addRegistry(page, alpha.host, 'Alpha');
  await addRegistry(page, `http://${beta.host}`, 'Beta');
  await expect(page.getByText(/^(beta\/)?two$/).first()).toBeVisible();
  await expect(item(page, 'Alpha').getByTestId('status-dot')).toHaveAttribute('data-tone', 'ok');
  const before = await names(page);
  expect(before.indexOf('Alpha')).toBeLessThan(before.indexOf('Beta'));

  // Edit: rename Alpha and switch it to anonymous.
  await item(page, 'Alpha').hover();
  await item(page, 'Alpha').getByRole('button', { name: 'Edit Alpha' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Alpha' });
  await expect(edit.getByLabel('Registry URL')).toHaveValue(alpha.url);
  await edit.getByLabel('Name', { exact: true }).fill('Alpha renamed');
  // Password mode says where the password would be kept (the web shell has no keychain: a file, not encrypted).
  await edit.getByRole('radio', { name: 'Username and password' }).check();
  await expect(edit.getByTestId('secret-storage')).toContainText('readable only by you (not encrypted: no system keychain is in use)');
  await shot(page, 'connections-04a-edit-password');
  await edit.getByRole('radio', { name: 'Anonymous' }).check();
  await shot(page, 'connections-04-edit-dialog');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(item(page, 'Alpha renamed')).toBeVisible();

  // Reorder with the keyboard: focus "Move Beta up" and press Enter; the focus stays on the item.
  const up = item(page, 'Beta').getByRole('button', { name: 'Move Beta up' });
  await up.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => {
    const n = await names(page);
    return n.indexOf('Beta') < n.indexOf('Alpha renamed');
  }).toBe(true);
  await expect(item(page, 'Beta').locator('[data-move]:focus')).toHaveCount(1);
  await shot(page, 'connections-05-reordered');

  await page.reload();
  await expect(item(page, 'Alpha renamed')).toBeVisible();
  const after = await names(page);
  expect(after.indexOf('Beta')).toBeLessThan(after.indexOf('Alpha renamed'));
  await item(page, 'Alpha renamed').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Alpha renamed', level: 1 })).toBeVisible();
  await expect(page.getByText(/^(alpha\/)?one$/).first()).toBeVisible();

  // Drag Alpha back above Beta.
  await item(page, 'Alpha renamed').dragTo(item(page, 'Beta'));
  await expect.poll(async () => {
    const n = await names(page);
    return n.indexOf('Alpha renamed') < n.indexOf('Beta');
  }).toBe(true);
  await item(page, 'Alpha renamed').hover();
  await shot(page, 'connections-05a-sidebar-actions');

  // Remove (after confirming), then reload: it stays gone.
  await item(page, 'Alpha renamed').hover();
  await item(page, 'Alpha renamed').getByRole('button', { name: 'Remove Alpha renamed' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove Alpha renamed?' });
  await shot(page, 'connections-06-remove-confirm');
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(item(page, 'Alpha renamed')).toHaveCount(0);
  await page.reload();
  await expect(item(page, 'Beta')).toBeVisible();
  await expect(item(page, 'Alpha renamed')).toHaveCount(0);
});

test('a registry that withholds its catalog lists pinned repositories', async ({ page, app: _app }) => {
  const reg = await startRegistry({ auth: 'token', anonymousPull: true });
  try {
    await pushImage(reg, 'hidden/app', ['1.0'], { seed: 'hidden' });
    await addRegistry(page, reg.host, 'Tokened');
    const section = page.getByTestId('no-catalog');
    await expect(section).toBeVisible();

    await section.getByLabel('Repository').fill('hidden/missing');
    await section.getByRole('button', { name: 'Add repository' }).click();
    await expect(section.getByTestId('pin-error')).toBeVisible();
    await shot(page, 'connections-07-pin-error');

    await section.getByLabel('Repository').fill('hidden/app');
    await section.getByRole('button', { name: 'Add repository' }).click();
    const pinned = section.getByRole('list', { name: 'Pinned repositories' });
    await expect(pinned.getByRole('link', { name: 'hidden/app' })).toBeVisible();
    await expect(section.getByTestId('pin-error')).toHaveCount(0);
    await shot(page, 'connections-08-pinned');

    await page.reload();
    await pinned.getByRole('link', { name: 'hidden/app' }).click();
    await expect(page.getByRole('table', { name: 'Tags' }).getByText('1.0', { exact: true })).toBeVisible();
    await page.goBack();
    await pinned.getByRole('button', { name: 'Unpin hidden/app' }).click();
    await expect(pinned).toHaveCount(0);
  } finally {
    await reg.stop();
  }
});

test('credentials: where they came from, and a failing credential helper', async ({ page }) => {
  const [signed, broken] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'htpasswd' })]);
  const dockerConfig = await mkdtemp(join(tmpdir(), 'berth-e2e-docker-'));
  await writeDockerConfig(dockerConfig, { auths: { [signed.host]: authEntry(signed.username!, signed.password!) }, credHelpers: { [broken.host]: 'berth-missing' } });
  const app = await startApp({ DOCKER_CONFIG: dockerConfig });
  try {
    await page.goto(await app.loginUrl());
    await addRegistry(page, signed.host, 'Signed');
    await expect(page.getByTestId('credentials-line')).toContainText(`Signed in as ${signed.username} · from`);
    await expect(page.getByTestId('credentials-line')).toContainText('config.json');
    await expect(item(page, 'Signed').getByTestId('status-dot')).toHaveAttribute('data-tone', 'ok');

    // The form checks the credentials before saving: the helper's failure shows there first (issue 12).
    await page.getByRole('button', { name: 'Add registry' }).first().click();
    const adding = page.getByRole('dialog', { name: 'Add registry' });
    await adding.getByLabel('Registry URL').fill(broken.host);
    await adding.getByLabel('Name', { exact: true }).fill('Broken');
    await adding.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(adding.getByTestId('credential-check')).toContainText('docker-credential-berth-missing');
    await adding.getByRole('button', { name: 'Add anyway' }).click();
    await expect(adding).toHaveCount(0);
    const problem = page.getByTestId('credential-problem');
    await expect(problem).toContainText('docker-credential-berth-missing');
    await expect(item(page, 'Broken').getByTestId('status-dot')).toHaveAttribute('data-tone', 'warn');
    await shot(page, 'connections-09-helper-failed');

    await problem.getByRole('button', { name: 'Use a username and password…' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Broken' });
    await expect(edit.getByRole('radio', { name: 'Username and password' })).toBeChecked();
    await edit.getByRole('textbox', { name: 'Username' }).fill(broken.username!);
    await edit.getByLabel('Password', { exact: true }).fill(broken.password!);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(problem).toHaveCount(0);
    await expect(page.getByTestId('credentials-line')).toContainText(`Signed in as ${broken.username}`);
    await expect(item(page, 'Broken').getByTestId('status-dot')).toHaveAttribute('data-tone', 'ok');
    await shot(page, 'connections-10-signed-in');

    // Edit again: the saved password is kept when the field stays empty.
    await page.getByRole('button', { name: 'Edit registry' }).click();
    await expect(edit.getByLabel('Password', { exact: true })).toHaveAttribute('placeholder', 'leave empty to keep the saved password');
    // Moving it to another origin forgets the saved password unless it is typed again, and the form says so.
    await edit.getByLabel('Registry URL').fill(signed.host);
    await expect(edit.getByTestId('password-forgotten')).toContainText(`The saved password is sent only to ${broken.url}`);
    await edit.getByLabel('Password', { exact: true }).fill('typed-again');
    await expect(edit.getByTestId('password-forgotten')).toHaveCount(0);
    await edit.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    await app.stop();
    await Promise.all([signed.stop(), broken.stop(), rm(dockerConfig, { recursive: true, force: true })]);
  }
});
