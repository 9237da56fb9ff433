/**
 * What a developer who keeps Berth open all day has on screen (issue 12): a repository whose tags
 * need natural order and readable dates, namespaces `ns2` / `ns10`, an index, and finished pushes
 * held by the server. Shared by the e2e specs and `scripts/screenshots.ts`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { buildArchive } from '../archives/archive';
import type { RunningRegistry } from '../registry/start';
import { pushImage, pushIndex, type PushedImage } from '../images/push';

/** The tags of `team/app`, in the natural order the table must show them. */
export const APP_TAGS = ['v0.0.1', 'v0.0.2', 'v0.0.3', 'v0.0.9', 'v0.0.10', 'v0.0.11', 'v0.0.12'];

/** What seedDaily pushed. */
export interface DailySeed {
  /** Tag → image of `team/app`; `latest` shares the digest of `v0.0.12`. */
  app: Map<string, PushedImage>;
}

/**
 * Seeds the registry: `team/app` (APP_TAGS three hours apart on one day in 2021, `latest` on the
 * newest), repositories in `ns1`, `ns2`, `ns10`, `team/web`, and the index `team/multi:1.0`.
 */
export async function seedDaily(reg: RunningRegistry): Promise<DailySeed> {
  const app = new Map<string, PushedImage>();
  const start = Date.parse('2021-06-01T06:00:00Z');
  for (const [i, tag] of APP_TAGS.entries()) {
    const last = i === APP_TAGS.length - 1;
    const created = new Date(start + i * 3 * 3600_000).toISOString();
    const img = await pushImage(reg, 'team/app', last ? [tag, 'latest'] : [tag], { seed: `daily-app-${tag}`, created, layers: 1 + (i % 3) });
    app.set(tag, img);
    if (last) app.set('latest', img);
  }
  for (const name of ['ns10/tool', 'ns2/tool', 'ns1/tool', 'team/web']) await pushImage(reg, name, ['1.0'], { seed: `daily-${name}`, layers: 1 });
  await pushIndex(reg, 'team/multi', ['1.0'], [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ], { seed: 'daily-multi', attestation: true });
  return { app };
}

/** Adds a registry through "Add registry" and waits for its screen; returns the registry's id. */
export async function addRegistryByUi(page: Page, host: string): Promise<string> {
  await page.getByRole('button', { name: 'Add registry' }).first().click();
  await page.getByLabel('Registry URL').fill(host);
  const before = page.url();
  await page.getByRole('button', { name: /^(Add|Add anyway)$/ }).click();
  // The new registry's screen: a registry URL other than the one shown before.
  await page.waitForURL((url) => /^#\/r\/[^/]+$/.test(url.hash) && url.href !== before);
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
}

/**
 * Pushes `count` small archives through the contract from the page (as the pre-flight sheet
 * would) to `pushed/app-N:1` and waits until the server has finished them all.
 */
export async function pushArchivesViaApi(page: Page, registryId: string, count: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-daily-'));
  try {
    const files: { name: string; b64: string }[] = [];
    for (let i = 1; i <= count; i++) {
      const path = join(dir, `app-${i}.tar`);
      await buildArchive(path, { layout: 'docker-oci', images: [{ tags: [`app-${i}:1`], layers: [{ sizeBytes: 20_000 }] }], seed: `daily-push-${i}` });
      files.push({ name: `app-${i}.tar`, b64: (await readFile(path)).toString('base64') });
    }
    await page.evaluate(
      async ({ files, registryId }) => {
        const b = (window as unknown as { berth: import('../../../src/shared/api').BerthClient }).berth;
        for (const [i, f] of files.entries()) {
          const bin = atob(f.b64);
          const data = new Uint8Array(bin.length);
          for (let j = 0; j < bin.length; j++) data[j] = bin.charCodeAt(j);
          const reg = await b.registerFile(new File([data], f.name));
          if (!reg.ok) throw new Error(reg.error.message);
          const started = await b.startPush({ handle: reg.value.handle, registryId, target: `pushed/app-${i + 1}:1`, compression: 'none' });
          if (!started.ok) throw new Error(started.error.message);
        }
        for (;;) {
          const list = await b.listPushes();
          if (!list.ok) throw new Error(list.error.message);
          if (list.value.length >= files.length && list.value.every((s) => s.outcome)) return;
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      { files, registryId },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Waits for a push row to reach a final phase. The panel folds to one line when everything is
 * done (issue 12): it is opened again, as a user would, to look at the row.
 */
export async function expectFinished(page: Page, row: Locator, phase: 'done' | 'cancelled' | 'failed', timeout = 30_000): Promise<void> {
  const toggle = page.getByRole('region', { name: 'Pushes' }).getByRole('button', { name: 'Pushes', exact: true });
  await expect(async () => {
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await expect(row).toHaveAttribute('data-phase', phase, { timeout: 1_000 });
  }).toPass({ timeout });
}
