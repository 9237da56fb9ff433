/**
 * Issue 14 on the web shell against real registries: a signed image's supply chain (verified
 * with the right key, failed with a wrong one), SBOM package search, referrer tags folded in the
 * tags table, delete with referrers, save as archive (the browser's download opens with Berth's
 * own archive reader) and copy to another registry, with axe on the section and both dialogs.
 * Debian's docker-registry has no referrers API: everything here goes through the tag schema.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openArchive } from '../src/main/archive/index';
import { expectAccessible } from '../test/support/app/axe';
import { expectFinished } from '../test/support/app/daily';
import { expect, shot, test } from '../test/support/app/playwright';
import { pushSignedImage, type SignedImage } from '../test/support/referrers/signed-image';
import { createKeylessCert, generateTestKey, type TestKey } from '../test/support/referrers/signing';
import { startProxy, type TestProxy } from '../test/support/proxy/proxy';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';

let a: RunningRegistry;
let b: RunningRegistry;
let dir: string;
let signer: TestKey;
let wrong: TestKey;
let app: SignedImage;
let gone: SignedImage;
/** In front of b: holds blob uploads until `release`, so a copy is seen in flight. */
let front: TestProxy;
let release: () => void = () => {};

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-e2e-supply-'));
  [a, b] = await Promise.all([startRegistry(), startRegistry()]);
  signer = generateTestKey('ecdsa');
  wrong = generateTestKey('ecdsa');
  const keys = { ecdsa: signer, ed: generateTestKey('ed25519'), keyless: await createKeylessCert(dir, 'email:ci@example.test', 'https://issuer.example.test') };
  app = await pushSignedImage(a, 'supply/app', '1.0', keys, { seed: 'supply-app' });
  gone = await pushSignedImage(a, 'supply/gone', '1.0', keys, { seed: 'supply-gone' });
  const held = new Promise<void>((done) => (release = done));
  front = await startProxy(b.url, {
    answer: async (_req, _res, r) => {
      if (r.kind.includes('uploads')) await held;
      return false;
    },
  });
});

test.afterAll(async () => {
  release();
  await front?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

async function addRegistry(page: Page, r: RunningRegistry, name?: string) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(r.host);
  if (name) await page.getByTestId('add-registry-dialog').getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

async function openRepo(page: Page, leaf: string) {
  await page.getByText(new RegExp(`^(supply/)?${leaf}$`)).first().click();
  await expect(page.getByRole('table', { name: 'Tags' }).getByRole('row').filter({ hasText: '1.0' })).toBeVisible();
}

const tagsOf = async (r: RunningRegistry, repo: string): Promise<string[]> =>
  ((await (await fetch(`${r.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] | null }).tags ?? [];

async function addKey(page: Page, name: string, pem: string) {
  await page.getByRole('button', { name: 'Add a public key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a public key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Public key (PEM)').fill(pem);
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toBeHidden();
}

test('a signed image: not verified, failed with a wrong key, verified with the right one; SBOM search', async ({ page, app: _app }) => {
  await addRegistry(page, a);
  await openRepo(page, 'app');
  await page.getByRole('table', { name: 'Tags' }).getByRole('link', { name: '1.0', exact: true }).click();
  const section = page.getByTestId('supply-chain');
  const keySigned = section.getByTestId('signature').filter({ hasText: 'signedBy' });
  await expect(keySigned.getByTestId('verification')).toHaveAttribute('data-status', 'not-verified');
  await expect(keySigned).toContainText(app.image.digest);
  await expect(keySigned).toContainText(`${a.host}/supply/app`);
  const keyless = section.getByTestId('signature').filter({ hasText: 'Certificate subject' });
  await expect(keyless).toContainText('ci@example.test');
  await expect(keyless).toContainText('https://issuer.example.test');
  await expect(keyless.getByTestId('verification')).toHaveAttribute('data-status', 'not-verified');
  await expect(section.getByTestId('attestation').first()).toContainText('https://slsa.dev/provenance/v0.2');
  await expect(section.getByTestId('attestation').first()).toContainText('https://github.com/berth-test/builder@v1');
  await expect(section).not.toContainText(/unsigned/i);
  await expectAccessible(page, 'supply-chain section', { include: '[data-testid="supply-chain"]' });

  await addKey(page, 'not the signer', wrong.publicPem);
  await expect(keySigned.getByTestId('verification')).toHaveAttribute('data-status', 'failed');
  await expect(keySigned.getByTestId('verification')).toContainText('not the signer');
  await shot(page, 'supply-01-failed');
  await page.getByRole('button', { name: 'Remove key not the signer' }).click();
  await addKey(page, 'release', signer.publicPem);
  await expect(keySigned.getByTestId('verification')).toHaveAttribute('data-status', 'verified');
  await expect(keySigned.getByTestId('verification')).toContainText('release');

  // A private key is refused with a clear error, the dialog keeps what was typed.
  await page.getByRole('button', { name: 'Add a public key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a public key' });
  await dialog.getByLabel('Name').fill('oops');
  await dialog.getByLabel('Public key (PEM)').fill(signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog.getByTestId('add-key-error')).toContainText('private key');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  const sbom = section.getByTestId('sbom').first();
  await expect(sbom.getByTestId('sbom-package-count')).toContainText('3 packages');
  await expect(sbom.getByTestId('sbom-package')).toHaveCount(3);
  await sbom.getByLabel('Search packages').fill('zlib');
  await expect(sbom.getByTestId('sbom-package')).toHaveCount(1);
  await expect(sbom.getByTestId('sbom-package')).toContainText('1.3.1');
  await expect(sbom.getByTestId('package-count-shown')).toContainText('1 of 3 packages');
  await shot(page, 'supply-02-verified');
  await expectAccessible(page, 'supply-chain section (verified, searched)', { include: '[data-testid="supply-chain"]' });
});

test('referrer tags fold under their image; delete takes them along', async ({ page, app: _app }) => {
  await addRegistry(page, a);
  await openRepo(page, 'gone');
  const table = page.getByRole('table', { name: 'Tags' });
  const hex = gone.image.digest.replace(':', '-');
  await expect(table.getByRole('row').filter({ hasText: `${hex}.sig` })).toHaveCount(0);
  const row = table.getByTestId('tag-row').filter({ hasText: '1.0' });
  await expect(row.getByTestId('referrer-badge')).toHaveText('3 referrers');
  await page.getByLabel(/Show signature tags/).check();
  await expect(table.getByTestId('tag-row')).toHaveCount(4);
  await expect(table.getByTestId('tag-row').filter({ hasText: `${hex}.sbom` })).toBeVisible();
  await page.getByLabel(/Show signature tags/).uncheck();
  await expect(table.getByTestId('tag-row')).toHaveCount(1);

  await row.getByRole('button', { name: 'Delete 1.0' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete supply/gone:1.0' });
  const listed = dialog.getByRole('list', { name: 'Referrers that will be deleted' }).getByRole('listitem');
  await expect(listed).toHaveCount(3);
  await expect(dialog.getByLabel(/Also delete its 3/)).toBeChecked();
  await shot(page, 'supply-03-delete');
  await dialog.getByRole('button', { name: 'Delete 1 tag' }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => tagsOf(a, 'supply/gone')).toEqual([]);
});

test('save as archive: the browser downloads an OCI archive Berth opens, with its referrers', async ({ page, app: _app }) => {
  await addRegistry(page, a);
  await openRepo(page, 'app');
  const row = page.getByRole('table', { name: 'Tags' }).getByTestId('tag-row').filter({ hasText: '1.0' });
  await row.getByRole('button', { name: 'More actions for 1.0' }).click();
  await page.getByRole('menuitem', { name: 'Save as archive…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save supply/app:1.0 as archive' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, 'save dialog', { include: 'dialog[open]' });
  await dialog.getByLabel(/OCI image layout/).check();
  await dialog.getByLabel('Include signatures, attestations and SBOMs').check();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const download = await downloading;
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe('app-1.0.oci.tar');
  await expectFinished(page, page.getByTestId('transfer-row').filter({ hasText: 'supply/app:1.0' }), 'done');
  const archive = await openArchive(file);
  try {
    expect(archive.images.map((i) => i.tags)).toEqual([['1.0']]);
    expect(archive.images[0].manifestDigest).toBe(app.image.digest);
    for (const r of [app.sig, app.att, app.sbom]) expect([...(archive.layout?.manifests.keys() ?? [])]).toContain(r.digest);
  } finally {
    await archive.close();
  }
  await shot(page, 'supply-04-saved');
});

test('copy to another registry shows progress in the transfers list and lands the same digest', async ({ page, app: _app }) => {
  await addRegistry(page, a);
  await addRegistry(page, { host: front.host } as RunningRegistry, 'mirror');
  await page.getByRole('link', { name: a.host }).or(page.getByText(a.host)).first().click();
  await openRepo(page, 'app');
  await page.getByRole('table', { name: 'Tags' }).getByRole('link', { name: '1.0', exact: true }).click();
  await page.getByRole('button', { name: 'Copy to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Copy supply/app:1.0' });
  await expect(dialog.getByTestId('copy-mode')).toContainText('the tag itself');
  await dialog.getByLabel('Tag').fill('stable');
  await expect(dialog.getByTestId('copy-mode')).toContainText('only adds the tag');
  await expect(dialog.getByRole('button', { name: 'Add tag' })).toBeVisible();
  await expectAccessible(page, 'copy dialog', { include: 'dialog[open]' });
  await dialog.getByLabel('Destination registry').selectOption({ label: `mirror (${front.host})` });
  await dialog.getByLabel('Repository').fill('mirror/app');
  await dialog.getByLabel('Tag').fill('2.0');
  await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId('transfer-row').filter({ hasText: 'mirror/app:2.0' });
  // In flight (the destination holds its uploads): a progress bar and Cancel.
  await expect(row.getByRole('progressbar', { name: 'Progress of copy supply/app:1.0' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Cancel copy of supply/app:1.0' })).toBeVisible();
  await expect(row.getByTestId('transfer-totals')).toContainText(/of \d/);
  await expect(page.getByTestId('dock-counts')).toContainText('1 transfer running');
  await shot(page, 'supply-05-copying');
  release();
  // Everything done: the panel folds to its summary line (issue 12); open it again to read the row.
  await expect(page.getByTestId('dock-counts')).toContainText('1 transfer done');
  await expectFinished(page, row, 'done');
  await expect(row.getByTestId('transfer-done')).toContainText('transferred');
  await expect(row.getByTestId('transfer-done')).toContainText(app.image.digest);
  await shot(page, 'supply-06-copied');
  const res = await fetch(`${b.url}/v2/mirror/app/manifests/2.0`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  expect(res.headers.get('docker-content-digest')).toBe(app.image.digest);
  // Signatures and SBOMs came along (tag schema on the destination).
  expect((await tagsOf(b, 'mirror/app')).sort()).toEqual(['2.0', ...['att', 'sbom', 'sig'].map((s) => `${app.image.digest.replace(':', '-')}.${s}`)].sort());
});
