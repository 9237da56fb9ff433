#!/usr/bin/env node
/**
 * Builds native/fast-gzip (libdeflate gzip for pushes). Optional by design: without a compiler or
 * libdeflate's headers it prints one line and exits 0, and pushes use Node's zlib instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addonDir = join(root, 'native', 'fast-gzip');
const built = join(addonDir, 'build', 'Release', 'fast_gzip.node');
const verbose = process.argv.includes('--verbose');

/** npm hands its bundled node-gyp to scripts; otherwise look next to this Node's npm, then on PATH. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, [c]];
  return ['node-gyp', []];
}

/** Use this Node's own headers when they are installed, so node-gyp never tries to download them. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function fail(detail) {
  console.log('fast gzip unavailable (libdeflate not found): pushes use zlib');
  if (verbose && detail) console.log(detail);
  process.exit(0);
}

const [cmd, pre] = nodeGyp();
const r = spawnSync(cmd, [...pre, 'rebuild', ...nodedirArgs()], { cwd: addonDir, encoding: 'utf8', shell: process.platform === 'win32' });
if (r.error || r.status !== 0) fail(r.error?.message ?? `${r.stdout}\n${r.stderr}`);
try {
  const addon = createRequire(import.meta.url)(built);
  if (typeof addon.gzipMember !== 'function') fail('addon has no gzipMember');
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
console.log(`fast gzip built: ${built}`);
