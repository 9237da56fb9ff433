/**
 * The image the transfer benchmark moves: the push benchmark's ~1.8 GB `docker save` archive (or,
 * with `--size-mb N`, a small one of pseudo-random layers, to develop with), pushed once into the
 * source registry by `berth push --compression none`, so the registry holds it at full size.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningRegistry } from '../../test/support/registry/start';
import { buildArchive } from '../../test/support/archives/archive';
import { bigArchive } from '../../test/support/archives/big-archive';
import { measure } from './measure';

/** An archive to push, and whether the benchmark made it for this run only. */
export interface SourceArchive {
  path: string;
  size: number;
  layers: number;
  /** Built for this run (small): remove it afterwards. The big one is cached for the push benchmark too. */
  temporary: boolean;
}

/** The push benchmark's cached archive, or a small one of `sizeMb` MB in four layers. */
export async function sourceArchive(work: string, sizeMb: number | null): Promise<SourceArchive> {
  if (sizeMb === null) {
    const big = await bigArchive(work);
    return { path: big.path, size: big.size, layers: big.layers.length, temporary: false };
  }
  const path = join(work, `bench-transfer-${sizeMb}mb.tar`);
  const layerBytes = Math.max(1, Math.floor((sizeMb * 1e6) / 4));
  await buildArchive(path, {
    layout: 'docker-legacy',
    seed: `bench-transfer-${sizeMb}`,
    images: [{ tags: ['bench/app:1'], layers: Array.from({ length: 4 }, () => ({ sizeBytes: layerBytes })) }],
  });
  return { path, size: (await stat(path)).size, layers: 4, temporary: true };
}

/** `berth push ARCHIVE host/repository:tag --compression none` (blobs as stored, full size in the registry); its wall time. */
export async function pushSource(root: string, archive: SourceArchive, reg: RunningRegistry, ref: string): Promise<number> {
  const cache = await mkdtemp(join(tmpdir(), 'berth-bench-transfer-cache-'));
  try {
    const m = await measure(process.execPath, [resolve(root, 'bin/berth.mjs'), 'push', archive.path, `${reg.host}/${ref}`, '--compression', 'none', '--json'], { BERTH_CACHE_DIR: cache });
    if (m.code !== 0) throw new Error(`berth push of the source image failed (${m.code}): ${m.stderr.slice(-1500)}`);
    return m.seconds;
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}
