/**
 * Bundles a bench child script the way the app ships its engine (one file, packages left to
 * node_modules), so a timed child starts like the built CLI does: no TypeScript loader at run
 * time, whose start-up seconds and tens of megabytes would be counted as Berth's.
 */
import { build } from 'esbuild';
import { basename, resolve } from 'node:path';

/** Bundles `entry` into `out/bench/<name>.mjs` under `root` and returns that path. */
export async function bundleChild(root: string, entry: string): Promise<string> {
  const outfile = resolve(root, 'out/bench', basename(entry).replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return outfile;
}
