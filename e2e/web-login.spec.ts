/**
 * The web shell's login in a real browser (issue #9 item 3): `berth serve --open` starts the
 * browser on a private launch page — the token never on a command line — which logs this browser
 * in once; reloads keep working through the cookie; the same token is refused the second time.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { startApp } from '../test/support/app/playwright';

test('serve --open: the launch page logs this browser in once, a reload stays logged in, a replay is refused', async ({ page, browser }) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-e2e-browser-'));
  const record = join(dir, 'argv.txt');
  const opener = join(dir, 'fake-browser');
  await writeFile(opener, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
  await chmod(opener, 0o755);
  const app = await startApp({ BERTH_BROWSER: opener }, ['--open']);
  try {
    await expect.poll(() => existsSync(record)).toBe(true);
    const argv = (await readFile(record, 'utf8')).trim().split('\n');
    expect(argv).toHaveLength(1);
    const launch = argv[0]!;
    const token = /name="token" value="([^"]+)"/.exec(await readFile(launch, 'utf8'))?.[1];
    expect(token).toBeDefined();
    expect(launch).not.toContain(token!);
    expect(app.output()).not.toContain(token!);

    await page.goto(pathToFileURL(launch).href);
    await expect(page).toHaveURL(`${app.origin}/`);
    await expect(page.getByRole('button', { name: 'Add registry' }).first()).toBeVisible();
    await page.reload();
    await expect(page.getByRole('button', { name: 'Add registry' }).first()).toBeVisible();
    await expect.poll(() => existsSync(launch)).toBe(false);

    // Someone else replaying the token (another browser profile, a copy of the page) gets a page that says why.
    const other = await browser.newContext();
    try {
      const stranger = await other.newPage();
      await stranger.goto(`${app.origin}/?token=${token}`);
      await expect(stranger.getByRole('heading', { name: 'This login link was already used' })).toBeVisible();
      await stranger.goto(`${app.origin}/`);
      await expect(stranger.getByRole('heading', { name: 'Berth needs its login link' })).toBeVisible();
    } finally {
      await other.close();
    }
  } finally {
    await app.stop();
  }
});
