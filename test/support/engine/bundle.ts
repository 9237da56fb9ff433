/** Test support: bundles an engine entry (a worker, a child-process script) with esbuild, as electron-vite would. */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `entry` (a path from the project root) to an ES module under node_modules/.cache and
 * returns its path; packages stay external and resolve from the project's node_modules.
 */
export async function bundleForTest(entry: string, name: string): Promise<string> {
  const outDir = resolve('node_modules/.cache/berth-test-bundles');
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${name}-${process.pid}-${randomBytes(4).toString('hex')}.js`);
  await build({ entryPoints: [resolve(entry)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'silent' });
  return outfile;
}
