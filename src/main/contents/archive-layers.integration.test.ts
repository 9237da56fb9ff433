/**
 * A layer read from a local archive (`docker save` layouts, plain and gzipped, built by the
 * archive fixtures) gives the same file index as the same layer pulled from a real registry,
 * and an archive image diffs against a registry tag like any other image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { openArchive } from '../archive';
import { buildArchive, type BuildArchiveOptions, type BuiltImage, type ArchiveLayer } from '../../../test/support/archives/archive';
import { clientFor } from '../../../test/support/engine/client';
import type { RegistryClient } from '../registry/client';
import { ContentStore } from '../store/content-store';
import { diffImages } from './diff';
import { ContentsEngine } from './engine';
import { archiveImage, registryImage } from './image-source';
import { pushLayers } from '../../../test/support/images/push';
import { sha256 } from '../../../test/support/digest';

/** A base layer both variants share, and an app layer that differs. */
const layers = (variant: 'one' | 'two'): ArchiveLayer[] => [
  { files: { 'etc/os-release': 'ID=berth\n', 'usr/bin/tool': 'tool\n', 'usr/lib/libx.so': 'x'.repeat(3000) } },
  { files: { 'app/main.js': `console.log("${variant}")\n`, 'app/package.json': '{}\n', ...(variant === 'two' ? { 'app/extra.js': 'extra\n' } : {}) } },
];

/** Pushes the archive image's own blobs and config, so the registry holds the very same image. */
async function pushSame(reg: RunningRegistry, repo: string, img: BuiltImage): Promise<void> {
  await pushLayers(reg, repo, ['v1'], img.layers, img.config);
}

describe('layers from an archive', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let dir: string;
  beforeAll(async () => {
    reg = await startRegistry();
    client = clientFor(reg);
    dir = await mkdtemp(join(tmpdir(), 'berth-archive-layers-'));
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, Omit<BuildArchiveOptions, 'images'>][] = [
    ['a plain docker-save tar (uncompressed layers, positioned reads)', { layout: 'docker-legacy' }],
    ['a gzipped docker-save tar (streamed)', { layout: 'docker-legacy', gzipWhole: true }],
    ["a containerd-store save (gzip layers with digests)", { layout: 'docker-oci', containerdStore: true }],
  ];

  it.each(cases)('gives the same index for a layer of %s as for the same layer from the registry', async (name, opts) => {
    const slug = sha256(name).slice(7, 15);
    const path = join(dir, `${slug}.tar`);
    const built = await buildArchive(path, { ...opts, images: [{ tags: ['app:1'], layers: layers('one') }], seed: slug });
    await pushSame(reg, `from-archive/${slug}`, built.images[0]);
    const archive = await openArchive(path, { tempDir: dir });
    try {
      const fromArchive = new ContentsEngine(new ContentStore(join(dir, `${slug}-a`)));
      const fromRegistry = new ContentsEngine(new ContentStore(join(dir, `${slug}-r`)));
      const a = await fromArchive.openImage(archiveImage(archive, 0, 'app.tar'));
      const r = await fromRegistry.openImage(await registryImage(client, `from-archive/${slug}`, 'v1'));
      expect(a.source.layers.map((l) => l.key)).toEqual(r.source.layers.map((l) => l.key));
      for (const key of a.source.layers.map((l) => l.key)) {
        const [ia, ir] = await Promise.all([fromArchive.indexer.cached(key), fromRegistry.indexer.cached(key)]);
        expect(ia && [...ia.entries()]).toEqual(ir && [...ir.entries()]);
        expect(ia?.meta).toEqual(ir?.meta);
      }
      expect(a.list('usr/bin').entries.map((e) => e.name)).toEqual(['tool']);
      const d = diffImages(a, r);
      expect([d.files, d.config, d.layers.shared]).toEqual([[], [], 2]);
    } finally {
      await archive.close();
    }
  });

  it('diffs an archive image against another registry tag before pushing it', async () => {
    const path = join(dir, 'next.tar');
    const current = await buildArchive(join(dir, 'current.tar'), { layout: 'docker-legacy', images: [{ tags: ['app:1'], layers: layers('one') }], seed: 'current' });
    await pushSame(reg, 'from-archive/app', current.images[0]);
    await buildArchive(path, { layout: 'docker-legacy', images: [{ tags: ['app:2'], layers: layers('two') }], seed: 'next' });
    const archive = await openArchive(path, { tempDir: dir });
    try {
      const engine = new ContentsEngine(new ContentStore(join(dir, 'diff-store')));
      const next = await engine.openImage(archiveImage(archive, 0, 'next.tar'));
      const live = await engine.openImage(await registryImage(client, 'from-archive/app', 'v1'));
      const d = diffImages(live, next);
      // The shared base layer's files are the same for certain; the app layer's may differ.
      expect(d.files.map((f) => [f.path, f.change])).toEqual([
        ['app/extra.js', 'added'],
        ['app/main.js', 'maybe'],
        ['app/package.json', 'maybe'],
      ]);
      expect(d.layers.shared).toBe(1);
      expect(d.config).toEqual([{ field: 'labels', key: 'berth.test', a: 'current-image-0', b: 'next-image-0' }]);
      expect(d.summary).toBe('+1 files, −0, 2 changed (2 maybe), +6 B');
    } finally {
      await archive.close();
    }
  });
});
