#!/usr/bin/env node
// `npm run bench [browse|push|contents|transfer|index] [--flag value…]`: runs the benchmarks (each prints
// its figures) one after another; browse and push when none is named (the others take many minutes).
// Flags go to each (`node bench/run.mjs index --repos 200`, `node bench/run.mjs contents --size-mb 64`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flagAt = args.findIndex((a) => a.startsWith('--'));
const wanted = flagAt < 0 ? args : args.slice(0, flagAt);
const flags = flagAt < 0 ? [] : args.slice(flagAt);
const all = ['browse', 'push', 'contents', 'transfer', 'index'];
const which = wanted.length ? wanted : ['browse', 'push'];
let failed = 0;
for (const name of which) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, `${name}.ts`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
