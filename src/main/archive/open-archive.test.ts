import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCompression, openArchive, toArchiveInfo } from './index';
import { type BuildArchiveOptions, type BuiltArchive, buildArchive } from '../../../test/support/archives/archive';
import type { OpenedArchive } from './types';
import { sha256 } from '../../../test/support/digest';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-archive-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}


async function build(opts: BuildArchiveOptions, ext = opts.gzipWhole ? 'tar.gz' : 'tar'): Promise<BuiltArchive> {
  return buildArchive(join(dir, `a${n++}.${ext}`), opts);
}

/** Everything the builder put in must come out of openArchive, matched by config digest (not order). */
async function expectRoundTrip(built: BuiltArchive, opened: OpenedArchive, oci: boolean): Promise<void> {
  expect(opened.images.map((i) => i.config.digest).sort()).toEqual(built.images.map((i) => i.configDigest).sort());
  for (const want of built.images) {
    const got = opened.images.find((i) => i.config.digest === want.configDigest)!;
    expect(got.tags.sort()).toEqual([...want.tags].sort());
    expect(got.config.bytes).toEqual(want.config);
    expect(got.config.json.rootfs.diff_ids).toEqual(want.diffIds);
    expect(got.platform).toEqual(want.platform);
    expect(got.layers.map((l) => l.diffId)).toEqual(want.diffIds);
    expect(got.layers.map((l) => l.size)).toEqual(want.layerBlobs.map((b) => b.length));
    expect(got.layers.map((l) => l.compression)).toEqual(want.compressions.map((c) => (c === 'zstd-fake' ? 'zstd' : c)));
    for (const [i, layer] of got.layers.entries()) {
      if (want.foreign[i]) {
        expect(layer.source).toBeNull();
        expect(layer.foreign).toMatchObject({ digest: want.layerDigests[i], size: want.layerBlobs[i].length });
        continue;
      }
      expect(layer.foreign).toBeNull();
      expect(layer.digest).toBe(oci ? want.layerDigests[i] : null);
      // Compare digests: a diff of two multi-MB buffers would take minutes to print.
      expect(sha256(await bytesOf(opened.openBlob(layer.source!)))).toBe(sha256(want.layerBlobs[i]));
    }
  }
}

const threeLayers = [{ files: { 'etc/os-release': 'ID=berth\n' } }, { sizeBytes: 150_000 }, { sizeBytes: 2000, compression: 'gzip' as const }];

describe('openArchive: layouts round-trip', () => {
  it('legacy docker save: tags as written (short and fully qualified), diff IDs, sizes, blob bytes', async () => {
    const built = await build({ layout: 'docker-legacy', images: [{ tags: ['app:1', 'docker.io/library/app:latest'], layers: threeLayers }] });
    const opened = await openArchive(built.path);
    expect(opened.format).toBe('docker-legacy');
    expect(opened.compressed).toBe(false);
    await expectRoundTrip(built, opened, false);
    expect(opened.images[0].layers.every((l) => l.mediaType === null)).toBe(true);
  });

  it('legacy: several images, an untagged one, manifest.json at the end, symlinked layer.tar', async () => {
    for (const symlinkLayers of [false, true]) {
      const built = await build({
        layout: 'docker-legacy',
        manifestAtEnd: true,
        symlinkLayers,
        images: [
          { tags: ['one:1'], layers: threeLayers },
          { tags: null, layers: [{ sizeBytes: 10_000 }] },
          { tags: ['registry.example.com:5000/team/three:v3'], layers: [{ files: { a: 'b' } }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      });
      expect(built.entries.at(-2)).toBe('manifest.json');
      const opened = await openArchive(built.path);
      await expectRoundTrip(built, opened, false);
      expect(opened.images.map((i) => i.index)).toEqual([0, 1, 2]);
      if (symlinkLayers) expect(opened.images[0].layers[0].source!.entry).toMatch(/^[a-f0-9]{64}\.tar$/);
    }
  });

  it('Docker 25+ (OCI layout + manifest.json): uncompressed OCI layers with media types and digests', async () => {
    const built = await build({ layout: 'docker-oci', images: [{ tags: ['web:2'], layers: threeLayers.slice(0, 2) }, { tags: ['db:1'], layers: [{ sizeBytes: 5000 }] }] });
    const opened = await openArchive(built.path);
    expect(opened.format).toBe('docker-oci');
    await expectRoundTrip(built, opened, true);
    for (const img of opened.images) for (const l of img.layers) expect(l.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
  });

  it('Docker 25.0.0 OCI manifests without layers: manifest.json and the config stay the truth', async () => {
    const built = await build({ layout: 'docker-oci', emptyOciManifests: true, images: [{ tags: ['bug:25'], layers: threeLayers }] });
    const opened = await openArchive(built.path);
    await expectRoundTrip(built, opened, true);
    expect(opened.images[0].layers.map((l) => l.mediaType)).toEqual([null, null, null]);
  });

  it('containerd image store: gzip/zstd layers by magic, attestation skipped, absent platform tolerated', async () => {
    const built = await build({
      layout: 'docker-oci',
      containerdStore: true,
      images: [{ tags: ['docker.io/library/cd:1'], layers: [{ sizeBytes: 3000 }, { sizeBytes: 100, compression: 'zstd-fake' }] }],
    });
    expect(built.entries).not.toContain('repositories');
    const opened = await openArchive(built.path);
    expect(opened.images).toHaveLength(1);
    await expectRoundTrip(built, opened, true);
    expect(opened.images[0].layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+zstd',
    ]);
  });

  it('OCI archive without manifest.json: tags from ref.name annotations, compressed layers', async () => {
    const built = await build({
      layout: 'oci',
      images: [
        { tags: ['1.0', 'latest'], layers: [{ sizeBytes: 4000, compression: 'gzip' }, { sizeBytes: 10, compression: 'zstd-fake' }] },
        { tags: [], layers: [{ files: { x: 'y' } }] },
      ],
    });
    const opened = await openArchive(built.path);
    expect(opened.format).toBe('oci');
    await expectRoundTrip(built, opened, true);
  });

  it('OCI archive with nested indexes and attestation manifests: one image per platform manifest', async () => {
    const built = await build({
      layout: 'oci',
      nestedIndex: true,
      attestation: true,
      images: [
        { tags: ['docker.io/library/multi:1'], layers: [{ sizeBytes: 1000, compression: 'gzip' }] },
        { tags: ['other:2'], layers: [{ sizeBytes: 1000 }], platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ],
    });
    const opened = await openArchive(built.path);
    expect(opened.images).toHaveLength(2);
    await expectRoundTrip(built, opened, true);
  });

  it('a whole archive gzipped: spooled once, same result, temp files gone after close', async () => {
    for (const layout of ['docker-legacy', 'docker-oci', 'oci'] as const) {
      const tempDir = await mkdtemp(join(dir, 'spool-'));
      const built = await build({ layout, gzipWhole: true, symlinkLayers: true, images: [{ tags: ['gz:1'], layers: [...threeLayers, { sizeBytes: 3 * 1024 * 1024 }] }] });
      const opened = await openArchive(built.path, { tempDir });
      expect(opened.compressed).toBe(true);
      expect(opened.format).toBe(layout);
      await expectRoundTrip(built, opened, layout !== 'docker-legacy');
      expect(opened.images[0].layers[3].source!.file).toBeTruthy(); // the 3 MiB layer was spooled
      expect((await readdir(tempDir)).length).toBe(1);
      await opened.close();
      expect(await readdir(tempDir)).toEqual([]);
    }
  });

  it('detects gzip by magic bytes, not by the file name', async () => {
    const gz = await build({ layout: 'oci', gzipWhole: true, images: [{ tags: ['m:1'], layers: [{ sizeBytes: 10 }] }] }, 'tar');
    const plain = await build({ layout: 'oci', images: [{ tags: ['m:1'], layers: [{ sizeBytes: 10 }] }] }, 'tar.gz');
    const [a, b] = [await openArchive(gz.path), await openArchive(plain.path)];
    expect([a.compressed, b.compressed]).toEqual([true, false]);
    expect(a.images[0].config.digest).toBe(b.images[0].config.digest);
    await a.close();
  });

  it('foreign layers are kept as descriptors with no source', async () => {
    for (const layout of ['docker-legacy', 'docker-oci', 'oci'] as const) {
      const built = await build({ layout, foreignLayer: true, images: [{ tags: ['win:1'], layers: [{ sizeBytes: 100 }, { sizeBytes: 200, compression: 'gzip' }] }] });
      const opened = await openArchive(built.path);
      await expectRoundTrip(built, opened, layout !== 'docker-legacy');
      const foreign = opened.images[0].layers[1].foreign!;
      expect(foreign.urls).toEqual(['https://example.invalid/foreign-layer.tar.gz']);
      expect(foreign.mediaType).toMatch(/foreign|nondistributable/);
      const info = toArchiveInfo(opened, 'h1', 'win.tar');
      expect(info.images[0].size).toBe(built.images[0].config.length + built.images[0].layerBlobs[0].length);
    }
  });

  it('a wrong diff ID opens fine; the layer bytes do not hash to it (the push reports that)', async () => {
    const built = await build({ layout: 'docker-legacy', wrongDiffId: true, images: [{ tags: ['w:1'], layers: [{ sizeBytes: 100 }, { sizeBytes: 100 }] }] });
    const opened = await openArchive(built.path);
    const [l0, l1] = opened.images[0].layers;
    expect(sha256(await bytesOf(opened.openBlob(l0.source!)))).not.toBe(l0.diffId);
    expect(sha256(await bytesOf(opened.openBlob(l1.source!)))).toBe(l1.diffId);
  });

  it('toArchiveInfo summarises images for the renderer', async () => {
    const built = await build({ layout: 'docker-oci', images: [{ tags: ['s:1'], layers: threeLayers, created: '2025-05-05T00:00:00Z' }] });
    const opened = await openArchive(built.path);
    const info = toArchiveInfo(opened, 'handle-1', 's.tar');
    const want = built.images[0];
    expect(info).toEqual({
      handle: 'handle-1',
      name: 's.tar',
      format: 'docker-oci',
      compressed: false,
      images: [
        {
          index: 0,
          tags: ['s:1'],
          configDigest: want.configDigest,
          platform: { os: 'linux', architecture: 'amd64' },
          layerCount: 3,
          size: want.config.length + want.layerBlobs.reduce((s, b) => s + b.length, 0),
          created: '2025-05-05T00:00:00Z',
        },
      ],
    });
  });

  it('openBlob honours an abort signal', async () => {
    const built = await build({ layout: 'docker-legacy', images: [{ tags: ['ab:1'], layers: [{ sizeBytes: 2 * 1024 * 1024 }] }] });
    const opened = await openArchive(built.path);
    const ac = new AbortController();
    const stream = opened.openBlob(opened.images[0].layers[0].source!, ac.signal);
    ac.abort();
    await expect(bytesOf(stream)).rejects.toThrow();
  });
});

describe('detectCompression', () => {
  it('reads magic bytes only', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(Buffer.from('ustar'))).toBe('none');
    expect(detectCompression(Buffer.from([0x1f]))).toBe('none');
  });
});
