#!/usr/bin/env node
// `npm run bench [browse|push|transfer]`: runs the benchmarks (each prints its figures) one after another.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = ['browse', 'push', 'transfer'];
const which = wanted.length ? wanted : all;
let failed = 0;
for (const name of which) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
