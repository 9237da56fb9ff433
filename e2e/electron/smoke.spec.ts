/**
 * Smoke test of the desktop app (`npm run test:electron`): the real Electron window opens on
 * `app://berth`, its live webPreferences and the CSP header are the hardened ones, the default
 * registry (REGISTRY_URL, here a real registry started by the test) is listed, and a small
 * archive chosen by path is pushed and tagged. Without Electron's binary it fails saying so.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { buildArchive } from '../../test/support/archives/archive';
import { RENDERER_CSP } from '../../test/support/app/serve';
import { startRegistry, type RunningRegistry } from '../../test/support/registry/start';

const ROOT = resolve(import.meta.dirname, '../..');

/** The Electron binary, or an error that says how to get it (never a silent skip). */
function electronBinary(): string {
  let path: unknown = null;
  try {
    path = createRequire(import.meta.url)('electron');
  } catch {
    // The package's index throws when its binary was never downloaded.
  }
  if (typeof path === 'string' && existsSync(path)) return path;
  throw new Error(
    'Electron binary not installed: node_modules/electron has no binary (it was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or the download failed). ' +
      'Install it with `node node_modules/electron/install.js` on a machine that can reach Electron\'s downloads, then run `npm run test:electron` again. ' +
      'The rest of the suite (`npm test`) runs without it.',
  );
}

let reg: RunningRegistry | null = null;
let app: ElectronApplication | null = null;
let home: string | null = null;

test.afterEach(async () => {
  await app?.close().catch(() => undefined);
  await reg?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('the desktop window is hardened, lists the default registry and pushes an archive by path', async () => {
  const executablePath = electronBinary();
  reg = await startRegistry();
  home = await mkdtemp(join(tmpdir(), 'berth-electron-'));
  const archive = await buildArchive(join(home, 'smoke.tar'), { layout: 'docker-legacy', seed: 'electron-smoke', images: [{ tags: ['smoke/app:1'], layers: [{ sizeBytes: 50_000 }] }] });
  const env: Record<string, string> = { ...(process.env as Record<string, string>), REGISTRY_URL: reg.url, XDG_CONFIG_HOME: join(home, 'config') };
  delete env.ELECTRON_RENDERER_URL;
  // Chromium refuses to run as root with its OS sandbox; the renderer's own sandbox (webPreferences) stays on.
  const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT];
  app = await electron.launch({ executablePath, args, cwd: ROOT, env });
  const win = await app.firstWindow();
  await win.waitForLoadState('domcontentloaded');
  expect(win.url()).toMatch(/^app:\/\/berth\//);

  // The live window's settings as its renderer reports them, not what the code meant to set
  // (Electron security checklist 2–4). Electron no longer returns a window's webPreferences, so:
  // the preload's isolated world (Electron's world 999) says whether it is isolated and sandboxed…
  const isolated = (await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0].webContents.executeJavaScriptInIsolatedWorld(999, [
      { code: 'JSON.stringify({ contextIsolation: process.contextIsolated, sandbox: process.sandboxed })' },
    ]),
  )) as string;
  expect(JSON.parse(isolated)).toEqual({ contextIsolation: true, sandbox: true });
  // …and the page's own world has no Node (nodeIntegration false), only the named bridge.
  const world = await win.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    module: typeof (globalThis as { module?: unknown }).module,
    fileIntake: window.berth.fileIntake,
  }));
  expect(world).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', fileIntake: 'path' });
  // The CSP header on the app:// protocol (checklist 7).
  const csp = await app.evaluate(async ({ net }) => (await net.fetch('app://berth/index.html')).headers.get('content-security-policy'));
  expect(csp).toBe(RENDERER_CSP);

  // The default registry from REGISTRY_URL is listed and reachable.
  await win.getByText(reg.host, { exact: true }).first().click();
  await expect(win.getByText('Reachable')).toBeVisible();

  // Push by path: the file chooser hands Electron a real path (webUtils.getPathForFile), nothing is copied.
  const chooser = win.waitForEvent('filechooser');
  await win.getByRole('button', { name: 'Push archive…' }).click();
  await (await chooser).setFiles(archive.path);
  const sheet = win.getByRole('dialog', { name: 'Push smoke.tar' });
  await expect(sheet.getByLabel('Destination')).toHaveValue('smoke/app:1');
  await sheet.getByRole('button', { name: 'Push', exact: true }).click();
  const row = win.getByRole('region', { name: 'Pushes' }).locator('article[data-phase]').filter({ hasText: 'smoke.tar' });
  await expect(row).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  const tags = (await (await reg.fetch('/v2/smoke/app/tags/list')).json()) as { tags: string[] };
  expect(tags.tags).toEqual(['1']);
});
