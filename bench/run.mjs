#!/usr/bin/env node
// `npm run bench [browse|push|contents] [--options]`: runs the benchmarks (each prints its figures) one
// after another; options after the names go to each of them (e.g. `contents --size-mb 64`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dash = args.findIndex((a) => a.startsWith('-'));
const wanted = dash < 0 ? args : args.slice(0, dash);
const extra = dash < 0 ? [] : args.slice(dash);
const all = ['browse', 'push', 'contents'];
const which = wanted.length ? wanted : all;
let failed = 0;
for (const name of which) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from: ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, `${name}.ts`), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
