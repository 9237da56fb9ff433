/**
 * Builds a realistic `docker save` archive (legacy layout) of about 1.8 GB in four layers from
 * directories of this machine, with GNU tar, and keeps it between runs (it takes a while).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hexOf, sha256, sha256File } from '../digest';
import { buildConfig } from '../images/image';

/** Directories tried in order until four layers exist; the sizes add up to about 1.8 GB here. */
const CANDIDATES = ['usr/lib/x86_64-linux-gnu', 'usr/share', 'usr/lib/chromium', 'usr/lib/gcc', 'usr/lib/jvm', 'usr/lib/llvm-14', 'usr/lib/python3'];

/** The cached archive and its layers. */
export interface BigArchive {
  path: string;
  size: number;
  tag: string;
  layers: { dir: string; size: number; diffId: string }[];
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // GNU tar exits 1 when a file changed while it was read; the layer is still a valid tar.
  if (r.status !== 0 && !(cmd === 'tar' && r.status === 1)) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(0, 500)}`);
  }
}

/** Returns the cached archive in `dir`, building it first when missing. */
export async function bigArchive(dir: string): Promise<BigArchive> {
  const path = join(dir, 'bench-app.tar');
  const metaPath = join(dir, 'bench-app.json');
  if (existsSync(path) && existsSync(metaPath)) {
    return JSON.parse(await readFile(metaPath, 'utf8')) as BigArchive;
  }
  const work = join(dir, 'build');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const dirs = CANDIDATES.filter((d) => existsSync(join('/', d))).slice(0, 4);
  if (dirs.length < 4) throw new Error(`need four of ${CANDIDATES.join(', ')} to build the bench archive`);
  const layers: BigArchive['layers'] = [];
  const names: string[] = [];
  for (const [i, d] of dirs.entries()) {
    const id = hexOf(sha256(`bench-layer-${i}-${d}`));
    await mkdir(join(work, id));
    const layerPath = join(work, id, 'layer.tar');
    process.stdout.write(`  building layer ${i + 1}/4 from /${d} … `);
    run('tar', ['--warning=none', '--ignore-failed-read', '-cf', layerPath, '-C', '/', d]);
    const diffId = await sha256File(layerPath);
    const size = statSync(layerPath).size;
    console.log(`${(size / 1e6).toFixed(0)} MB`);
    layers.push({ dir: `/${d}`, size, diffId });
    names.push(`${id}/layer.tar`);
  }
  const configBytes = Buffer.from(JSON.stringify(buildConfig(layers.map((l) => l.diffId), { created: '2026-01-01T00:00:00.000Z' })));
  const configName = `${hexOf(sha256(configBytes))}.json`;
  await writeFile(join(work, configName), configBytes);
  const tag = 'bench/app:1';
  await writeFile(join(work, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: names }]));
  run('tar', ['-cf', path, '-C', work, configName, ...names, 'manifest.json']);
  await rm(work, { recursive: true, force: true });
  const result: BigArchive = { path, size: (await stat(path)).size, tag, layers };
  await writeFile(metaPath, JSON.stringify(result));
  return result;
}
