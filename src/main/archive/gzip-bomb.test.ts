/**
 * A .tar.gz is untrusted: what it may cost is bounded before its data is written. The spool
 * folder's size is sampled while the archive is read, and the largest size seen is asserted.
 */
import { mkdir, mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RATIO } from './gzip-spool';
import { openArchive } from './index';
import { buildArchive } from '../../../test/support/archives/archive';
import { writeZeroBomb } from '../../../test/support/archives/hostile';
import { hexOf, sha256 } from '../../../test/support/digest';
import { buildConfig } from '../../../test/support/images/image';
import { pseudoRandom } from '../../../test/support/images/layers';
import { type TarEntry, writeTar } from '../../../test/support/images/tar';

let dir: string;
let spool: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-bomb-test-'));
  spool = join(dir, 'spool');
  await mkdir(spool);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sizeOf(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const p = join(path, e.name);
    total += e.isDirectory() ? await sizeOf(p) : await stat(p).then((s) => s.size, () => 0);
  }
  return total;
}

/** Runs `work` while sampling the spool folder's size; returns its outcome and the largest size seen. */
async function watchSpool<T>(work: () => Promise<T>): Promise<{ result: T | Error; peak: number }> {
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await sizeOf(spool));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const result = await work().catch((e: Error) => e);
  sampling = false;
  await sampler;
  return { result, peak: Math.max(peak, await sizeOf(spool)) };
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const c of stream) n += (c as Buffer).length;
  return n;
}

const MiB = 1024 * 1024;

/** A legacy docker save with one image whose layers are given, written in the order given. */
function legacyEntries(layers: { name: string; data: Buffer }[], tag: string): { manifest: TarEntry; config: TarEntry; layers: TarEntry[] } {
  const config = Buffer.from(JSON.stringify(buildConfig(layers.map((l) => sha256(l.data)), { created: '2024-01-01T00:00:00Z', labels: { 'berth.test': tag } })));
  const configName = `${hexOf(sha256(config))}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layers.map((l) => l.name) }]);
  return { manifest: { name: 'manifest.json', data: manifest }, config: { name: configName, data: config }, layers: layers.map((l) => ({ name: l.name, data: l.data })) };
}

describe('gzip bombs', () => {
  it('1 GiB of zeros in one entry before a broken manifest.json: refused at its header, nothing spooled', async () => {
    const path = join(dir, 'bomb-one.tar.gz');
    await writeZeroBomb(path, 1024 * MiB, 'one-entry');
    expect((await stat(path)).size).toBeLessThan(1.5 * MiB);
    const { result, peak } = await watchSpool(() => openArchive(path, { tempDir: spool }));
    expect(result).toMatchObject({ code: 'ARCHIVE_TOO_LARGE', message: expect.stringContaining(`more than ${MAX_RATIO} times its compressed size`) });
    expect((result as Error).message).toMatch(/gunzip bomb-one\.tar\.gz/);
    expect(peak).toBe(0);
    expect(await readdir(spool)).toEqual([]);
  });

  it('1 GiB of zeros in entries just over 1 MiB (each spooled): refused once the ratio is judged, the spool stays under 80 MiB', async () => {
    const path = join(dir, 'bomb-many.tar.gz');
    await writeZeroBomb(path, 1024 * MiB, 'many-entries');
    const { result, peak } = await watchSpool(() => openArchive(path, { tempDir: spool }));
    expect(result).toMatchObject({ code: 'ARCHIVE_TOO_LARGE', message: expect.stringContaining(`more than ${MAX_RATIO} times`) });
    console.log(`[gzip-bomb] 1 GiB of zeros in 1 MiB entries: spool peak ${(peak / MiB).toFixed(1)} MiB`);
    expect(peak).toBeLessThan(80 * MiB);
    expect(await readdir(spool)).toEqual([]);
  });

  it('a zero-filled file after real data (a real image can have one) still opens', async () => {
    const random = pseudoRandom(16 * MiB, 'real layer');
    const zeros = Buffer.alloc(200 * MiB);
    const e = legacyEntries([{ name: 'a/layer.tar', data: random }, { name: 'b/layer.tar', data: zeros }], 'zeros:1');
    const path = join(dir, 'zero-file.tar.gz');
    await writeTar(path, [...e.layers, e.config, e.manifest], true);
    const opened = await openArchive(path, { tempDir: spool });
    expect(opened.images[0].layers.map((l) => l.size)).toEqual([random.length, zeros.length]);
    expect(await drain(opened.openBlob(opened.images[0].layers[1].source!))).toBe(zeros.length);
    await opened.close();
  });

  it('refuses a layer the spool disk cannot hold (free space from statfs) before writing it', async () => {
    const e = legacyEntries([{ name: 'a/layer.tar', data: pseudoRandom(3 * MiB, 'disk') }], 'disk:1');
    const path = join(dir, 'disk.tar.gz');
    await writeTar(path, [e.config, ...e.layers, e.manifest], true);
    const st = await statfs(spool);
    // Ask to keep all but 1 MiB of the disk free: the 3 MiB layer cannot be spooled.
    const keepFree = st.bavail * st.bsize - MiB;
    const { result, peak } = await watchSpool(() => openArchive(path, { tempDir: spool, keepFree }));
    expect(result).toMatchObject({ code: 'ARCHIVE_TOO_LARGE', message: expect.stringMatching(/needs 3 MiB and only \d.* can be used there; free some space/) });
    expect(peak).toBe(0);
  });
});

describe('metadata first', () => {
  it('a manifest.json that comes first and is broken is refused before any layer is spooled', async () => {
    const path = join(dir, 'broken-first.tar.gz');
    await writeTar(path, [{ name: 'manifest.json', data: '[{"Config": ' }, { name: 'a/layer.tar', data: pseudoRandom(48 * MiB, 'big layer') }], true);
    const { result, peak } = await watchSpool(() => openArchive(path, { tempDir: spool }));
    expect(result).toMatchObject({ code: 'ARCHIVE_BAD_JSON', message: expect.stringContaining('manifest.json') });
    expect(peak).toBe(0);
  });

  it('a manifest.json that comes first decides what is spooled: files it does not name are read past', async () => {
    const e = legacyEntries([{ name: 'l1/layer.tar', data: pseudoRandom(2 * MiB, 'named') }], 'meta:1');
    const junk = { name: 'junk.bin', data: pseudoRandom(3 * MiB, 'junk') };
    const path = join(dir, 'meta-first.tar.gz');
    await writeTar(path, [e.manifest, junk, e.config, ...e.layers], true);
    const opened = await openArchive(path, { tempDir: spool });
    expect(await sizeOf(spool)).toBe(2 * MiB);
    expect(await drain(opened.openBlob(opened.images[0].layers[0].source!))).toBe(2 * MiB);
    await opened.close();
  });

  it('a layer reached through a legacy link that comes after it (skopeo, podman) is still spooled', async () => {
    const built = await buildArchive(join(dir, 'links.tar.gz'), {
      layout: 'docker-legacy',
      symlinkLayers: true,
      gzipWhole: true,
      images: [{ tags: ['links:1'], layers: [{ sizeBytes: 2 * MiB }, { sizeBytes: 3 * MiB }] }],
    });
    // manifest.json first, then each `<diffid>.tar` before the `<id>/layer.tar` link that manifest.json names.
    expect(built.entries[0]).toBe('manifest.json');
    const opened = await openArchive(built.path, { tempDir: spool });
    const sizes = await Promise.all(opened.images[0].layers.map((l) => drain(opened.openBlob(l.source!))));
    expect(sizes).toEqual(built.images[0].layerBlobs.map((b) => b.length));
    await opened.close();
  });
});
