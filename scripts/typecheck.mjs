#!/usr/bin/env node
// `npm run typecheck`: one TypeScript program per process, so DOM types cannot leak into main nor
// Node types into the renderer or shared code. Checks every program even after a failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
/** Main, preload, renderer, shared, then tests + e2e + bench + tool configs (the root config). */
const PROGRAMS = ['src/main/tsconfig.json', 'src/preload/tsconfig.json', 'src/renderer/tsconfig.json', 'src/shared/tsconfig.json', 'tsconfig.json'];

const failed = PROGRAMS.filter((config) => {
  console.log(`tsc -p ${config}`);
  return spawnSync(process.execPath, [tsc, '--noEmit', '-p', config], { cwd: root, stdio: 'inherit' }).status !== 0;
});
if (failed.length) console.log(`typecheck failed in ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
