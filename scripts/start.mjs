#!/usr/bin/env node
// `npm start`: build when out/ is missing, then run Electron; where no Electron binary exists
// (ELECTRON_SKIP_BINARY_DOWNLOAD, headless hosts), run the web shell instead, like `berth serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'].every((f) =>
  existsSync(join(root, f)),
);

if (!built) {
  console.log('Building Berth (out/ is missing)…');
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error('error INTERNAL: the build failed (see above). Fix it, then run npm start again.');
    process.exit(r.status ?? 1);
  }
}

/** The Electron binary's path, or null when the package was installed without it. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (electron) {
  const child = spawn(electron, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log("Electron's binary is not installed here; starting the web shell instead.");
  const { runCli } = await import(new URL('../out/main/cli.js', import.meta.url).href);
  process.exitCode = await runCli(['serve', ...process.argv.slice(2)]);
}
