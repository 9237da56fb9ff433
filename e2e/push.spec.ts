/**
 * Issue 4's push journey on the web shell against a real registry: drop a `docker save` archive
 * onto the window, check the pre-flight sheet, push, watch it finish and see the tag appear; a
 * broken archive shows the engine's error on its sheet; a large push can be cancelled while it
 * uploads (no tag is written) and retried from the same handle.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { buildArchive } from '../test/support/archives/archive';
import { expectFinished } from '../test/support/app/daily';
import { startEventProxy } from '../test/support/proxy/event-stream';
import { startRegistry, type RunningRegistry } from '../test/support/registry/start';
import { pushImage } from '../test/support/images/push';
import { expect, shot, test } from '../test/support/app/playwright';
import { startProxy } from '../test/support/proxy/proxy';

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

let reg: RunningRegistry;
let dir: string;

test.beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-push-e2e-'));
  // The repository exists before the push, so its Tags table can be open while the tag arrives.
  await pushImage(reg, 'team/app', ['0.9'], { seed: 'push-e2e-existing' });
});

test.afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function addRegistry(page: Page, host = reg.host) {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(host);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

/** Drags files built from bytes over the window (overlay screenshot) and drops them. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[], overlayShot?: string) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      dt.items.add(new File([data], f.name, { type: 'application/x-tar' }));
    }
    return dt;
  }, files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })));
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  const overlay = page.getByTestId('drop-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText('Drop docker save archives to push');
  if (overlayShot) await shot(page, overlayShot);
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect(overlay).toBeHidden();
}

/** The push rows of the panel (each carries `data-phase`). */
function pushRows(page: Page): Locator {
  return page.getByRole('region', { name: 'Pushes' }).locator('article[data-phase]');
}

test('drop an archive, check the pre-flight sheet, push it and see the new tag', async ({ page, app: _app }) => {
  const built = await buildArchive(join(dir, 'app.tar'), {
    layout: 'docker-oci',
    images: [{ tags: ['docker.io/team/app:1.0'], layers: [{ sizeBytes: 300_000 }, { sizeBytes: 120_000 }] }],
    seed: 'push-e2e-a',
  });
  const image = built.images[0];

  await addRegistry(page);
  await page.getByText(/^(team\/)?app$/).first().click();
  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.getByRole('row').filter({ hasText: '0.9' })).toBeVisible();
  await expect(tags.getByRole('row').filter({ hasText: '1.0' })).toHaveCount(0);

  await dropFiles(page, [{ name: 'app.tar', bytes: await readFile(built.path) }], 'push-01-overlay');

  const sheet = page.getByRole('dialog', { name: 'Push app.tar' });
  await expect(sheet).toBeVisible();
  const images = sheet.getByRole('table', { name: 'Images in the archive' });
  await expect(images).toContainText('docker.io/team/app:1.0');
  await expect(images).toContainText('linux/amd64');
  await expect(images.getByRole('cell', { name: String(image.layerDigests.length), exact: true })).toBeVisible();
  // The original tag, host dropped, is the proposed destination in the registry in view.
  await expect(sheet.getByLabel('Destination')).toHaveValue('team/app:1.0');
  // The saved list also holds the first-start registry (localhost:5000): check the chosen one.
  await expect(sheet.getByLabel('Registry').locator('option:checked')).toHaveText(reg.host);
  await expect(sheet.getByLabel('Compression')).toHaveValue('gzip');
  await expect(sheet.getByRole('checkbox', { name: 'Push all original tags' })).not.toBeChecked();
  await expect(sheet.getByTestId('preflight-targets')).toContainText(`${reg.host}/team/app:1.0`);
  await shot(page, 'push-02-preflight');

  await sheet.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(sheet).toBeHidden();

  const row = pushRows(page).filter({ hasText: 'app.tar' });
  // A quick push may end (and the panel fold) before the row is looked at: expectFinished unfolds it.
  await expectFinished(page, row, 'done');
  await expect(row).toHaveCount(1);
  const pushId = (await row.getAttribute('data-testid'))!.replace(/^push-/, '');
  await expect(row.getByRole('button', { name: 'Copy pull command' })).toHaveAttribute('title', `docker pull ${reg.host}/team/app:1.0`);
  // The tags table refreshed by itself (invalidated by the push:done event).
  await expect(tags.getByRole('row').filter({ hasText: '1.0' })).toBeVisible();
  await shot(page, 'push-03-done');

  // Pull it back: the registry serves a manifest whose config is the archive's config.
  const res = await reg.fetch('/v2/team/app/manifests/1.0', { headers: { accept: MANIFEST_ACCEPT } });
  expect(res.status).toBe(200);
  const manifest = (await res.json()) as { config: { digest: string }; layers: { digest: string }[] };
  expect(manifest.config.digest).toBe(image.configDigest);
  expect(manifest.layers).toHaveLength(image.layerDigests.length);
  for (const l of manifest.layers) expect((await reg.fetch(`/v2/team/app/blobs/${l.digest}`, { method: 'HEAD' })).status).toBe(200);
  await expect(row.getByTestId('pushed-digest')).toHaveText(res.headers.get('docker-content-digest')!);

  // A reload restores the panel from listPushes().
  await page.reload();
  const restored = page.getByTestId(`push-${pushId}`);
  await expectFinished(page, restored, 'done');
  await shot(page, 'push-04-restored');
  await restored.getByRole('button', { name: 'Dismiss' }).click();
  await expect(restored).toHaveCount(0);
});

test('a file that is not an image archive shows the engine error on its sheet', async ({ page, app: _app }) => {
  await addRegistry(page);
  await dropFiles(page, [{ name: 'x.tar', bytes: randomBytes(64 * 1024) }]);
  const sheet = page.getByRole('dialog', { name: 'Push x.tar' });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByTestId('error-code')).toHaveText('ARCHIVE_NOT_TAR');
  // The message names the file the user dropped, not the host's temp copy of the upload.
  await expect(sheet).toContainText('x.tar is not a tar archive');
  await expect(sheet.getByRole('button', { name: 'Push', exact: true })).toHaveCount(0);
  await shot(page, 'push-05-broken');
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();
  await expect(pushRows(page)).toHaveCount(0);
});

test('two archives dropped at once: one sheet after the other, several images by radio', async ({ page, app: _app }) => {
  const multi = await buildArchive(join(dir, 'multi.tar'), {
    layout: 'docker-legacy',
    images: [
      { tags: ['multi/web:1', 'multi/web:latest'], layers: [{ sizeBytes: 40_000 }] },
      { tags: ['multi/db:2'], layers: [{ sizeBytes: 30_000 }, { sizeBytes: 20_000 }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
    seed: 'push-e2e-multi',
  });
  const single = await buildArchive(join(dir, 'single.tar.gz'), {
    layout: 'oci',
    gzipWhole: true,
    images: [{ tags: ['single/app:3'], layers: [{ sizeBytes: 10_000 }] }],
    seed: 'push-e2e-single',
  });
  await addRegistry(page);
  await dropFiles(page, [
    { name: 'multi.tar', bytes: await readFile(multi.path) },
    { name: 'single.tar.gz', bytes: await readFile(single.path) },
  ]);

  const first = page.getByRole('dialog', { name: 'Push multi.tar' });
  await expect(first).toBeVisible();
  await expect(first).toContainText('1 more archive after this one');
  // A radio per image: the first is chosen; its two tags make "all original tags" the default.
  await expect(first.getByRole('radio', { name: /multi\/web:1/ })).toBeChecked();
  await expect(first.getByRole('checkbox', { name: 'Push all original tags' })).toBeChecked();
  await expect(first.getByLabel('Destination')).toBeDisabled();
  await first.getByRole('radio', { name: /multi\/db:2/ }).check();
  await expect(first.getByLabel('Destination')).toHaveValue('multi/db:2');
  await expect(first.getByRole('table', { name: 'Images in the archive' })).toContainText('linux/arm64/v8');
  await first.getByRole('radio', { name: /All 2 images/ }).check();
  await expect(first.getByTestId('preflight-targets')).toContainText(`${reg.host}/multi/web:latest`);
  await expect(first.getByTestId('preflight-targets')).toContainText(`${reg.host}/multi/db:2`);
  await first.getByLabel('Compression').selectOption('none');
  await expect(first).toContainText(/uncompressed/);
  await shot(page, 'push-10-multi-image');
  await first.getByRole('button', { name: 'Push', exact: true }).click();

  const second = page.getByRole('dialog', { name: 'Push single.tar.gz' });
  await expect(second).toBeVisible();
  await expect(second.getByLabel('Destination')).toHaveValue('single/app:3');
  await second.getByLabel('Destination').fill('single/app:renamed');
  await shot(page, 'push-11-second-sheet');
  await second.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(second).toBeHidden();

  const rows = pushRows(page);
  await expectFinished(page, rows.filter({ hasText: 'multi.tar' }), 'done');
  await expectFinished(page, rows.filter({ hasText: 'single.tar.gz' }), 'done');
  await expect(rows).toHaveCount(2);
  await shot(page, 'push-12-two-done');

  const tagsOf = async (repo: string) => (((await (await reg.fetch(`/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags ?? []).sort();
  expect(await tagsOf('multi/web')).toEqual(['1', 'latest']);
  expect(await tagsOf('multi/db')).toEqual(['2']);
  expect(await tagsOf('single/app')).toEqual(['renamed']);
  // "none" pushes the layers as stored: the registry has the archive's own layer digests.
  const res = await reg.fetch('/v2/multi/db/manifests/2', { headers: { accept: MANIFEST_ACCEPT } });
  const manifest = (await res.json()) as { config: { digest: string }; layers: { digest: string }[] };
  expect(manifest.config.digest).toBe(multi.images[1].configDigest);
  expect(manifest.layers.map((l) => l.digest)).toEqual(multi.images[1].layerDigests);
});

test('cancel a large push while it uploads, then retry it', async ({ page, app: _app }) => {
  test.setTimeout(180_000);
  const built = await buildArchive(join(dir, 'big.tar'), {
    layout: 'docker-legacy',
    images: [{ tags: ['team/big:1'], layers: [{ sizeBytes: 120_000_000 }, { sizeBytes: 120_000_000 }] }],
    seed: 'push-e2e-big',
  });

  await addRegistry(page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Push archive…' }).click();
  await (await chooser).setFiles(built.path);

  // The web shell streams the file to the host first, with a progress bar.
  const uploading = page.getByRole('region', { name: 'Pushes' }).getByText(/Uploading to Berth… \d+%/);
  await expect(uploading).toBeVisible();
  await shot(page, 'push-06-uploading-file');

  const sheet = page.getByRole('dialog', { name: 'Push big.tar' });
  await expect(sheet).toBeVisible({ timeout: 60_000 });
  await expect(sheet.getByLabel('Destination')).toHaveValue('team/big:1');
  await sheet.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(sheet).toBeHidden();

  const row = pushRows(page).filter({ hasText: 'big.tar' });
  await expect(row.locator('[data-state="uploading"]').first()).toBeVisible({ timeout: 60_000 });
  await shot(page, 'push-07-uploading-layers');
  await row.getByRole('button', { name: 'Cancel push' }).click();
  await expectFinished(page, row, 'cancelled');
  await expect(row).toContainText('CANCELLED');
  await shot(page, 'push-08-cancelled');

  // Nothing was tagged: the repository has no tags (or does not exist at all).
  const list = await reg.fetch('/v2/team/big/tags/list');
  const tagsAfterCancel = list.status === 200 ? (((await list.json()) as { tags: string[] | null }).tags ?? []) : [];
  if (list.status !== 200) expect(list.status).toBe(404);
  expect(tagsAfterCancel).not.toContain('1');

  // Retry re-issues the same request with the same handle: the file is still on the host.
  await row.getByRole('button', { name: 'Retry' }).click();
  await expectFinished(page, row, 'done', 120_000);
  const after = await reg.fetch('/v2/team/big/tags/list');
  expect(((await after.json()) as { tags: string[] }).tags).toContain('1');
  await shot(page, 'push-09-retried');
});

test('a push whose events were lost while the event stream was down ends in its final state once it reconnects', async ({ page, app }) => {
  const built = await buildArchive(join(dir, 'lost.tar'), { layout: 'docker-legacy', images: [{ tags: ['team/lost:1'], layers: [{ sizeBytes: 60_000 }] }], seed: 'push-e2e-lost' });
  const events = await startEventProxy(app.origin);
  try {
    await page.goto(events.url);
    await addRegistry(page);
    await expect.poll(() => events.streams).toBeGreaterThan(0);
    // The laptop sleeps: nothing the server sends reaches the page.
    events.mute = true;
    await dropFiles(page, [{ name: 'lost.tar', bytes: await readFile(built.path) }]);
    await page.getByRole('dialog', { name: 'Push lost.tar' }).getByRole('button', { name: 'Push', exact: true }).click();
    const row = pushRows(page).filter({ hasText: 'lost.tar' });
    await expect(row).toHaveCount(1);
    await expect.poll(() => events.swallowed['push:done'] ?? 0, { timeout: 30_000 }).toBe(1);
    // The push is over on the server, and nothing told the page.
    await expect(row).not.toHaveAttribute('data-phase', 'done');
    // It wakes up: the stream breaks, the browser reconnects, the panel asks for the list again.
    events.mute = false;
    const streams = events.streams;
    events.cutStreams();
    await expect.poll(() => events.streams, { timeout: 15_000 }).toBeGreaterThan(streams);
    await expectFinished(page, row, 'done', 15_000);
    await expect(row.getByTestId('pushed-digest')).toHaveText(/^sha256:[0-9a-f]{64}$/);
    await shot(page, 'push-13-resynced');
  } finally {
    await events.stop();
  }
});

test('the push row says what it waits for when the registry asks it to (Retry-After), then finishes', async ({ page, app: _app }) => {
  const built = await buildArchive(join(dir, 'slow.tar'), { layout: 'docker-legacy', images: [{ tags: ['team/slow:1'], layers: [{ sizeBytes: 40_000 }] }], seed: 'push-e2e-slow' });
  const proxy = await startProxy(reg.url, { fault: (r) => (r.kind === 'PUT manifests' && r.n === 1 ? { kind: 'respond', status: 429, headers: { 'retry-after': '4' } } : null) });
  const host = new URL(proxy.url).host;
  try {
    await addRegistry(page, host);
    await dropFiles(page, [{ name: 'slow.tar', bytes: await readFile(built.path) }]);
    const sheet = page.getByRole('dialog', { name: 'Push slow.tar' });
    await expect(sheet.getByLabel('Registry').locator('option:checked')).toHaveText(host);
    await sheet.getByRole('button', { name: 'Push', exact: true }).click();
    const row = pushRows(page).filter({ hasText: 'slow.tar' });
    await expect(row.getByTestId('push-notice')).toHaveText(`${host} asked to wait, retrying in 4 s`, { timeout: 30_000 });
    await shot(page, 'push-14-rate-limited');
    await expectFinished(page, row, 'done');
    await expect(row.getByTestId('push-notice')).toHaveCount(0);
    expect(proxy.requests['PUT manifests']).toBe(2);
  } finally {
    await proxy.stop();
  }
});
