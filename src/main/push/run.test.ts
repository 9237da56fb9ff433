import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildArchive, type BuildArchiveOptions } from '../../../test/support/archives/archive';
import { pushTo } from '../../../test/support/engine/push';
import { buildBrokenArchive, type BrokenKind } from '../../../test/support/archives/broken';
import { catalog, readBack, tagsOf } from '../../../test/support/registry/read-back';
import { openUploads } from '../../../test/support/registry/storage';

const run = promisify(execFile);
let reg: RunningRegistry;
let dir: string;

beforeAll(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'berth-push-'));
});
afterAll(async () => {
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const layers = [{ files: { 'etc/os-release': 'ID=berth\n' } }, { sizeBytes: 300 * 1024 }, { sizeBytes: 10 * 1024 * 1024 }];

/** `keepsDigest`: every blob travels as stored, so the archive's own manifest is pushed as it is. */
type Case = { name: string; opts: Omit<BuildArchiveOptions, 'images'>; manifestType: string; compression?: 'gzip' | 'none'; keepsDigest?: true };
const cases: Case[] = [
  { name: 'docker-legacy', opts: { layout: 'docker-legacy' }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'docker-legacy-symlinks-manifest-at-end', opts: { layout: 'docker-legacy', symlinkLayers: true, manifestAtEnd: true }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'docker-oci', opts: { layout: 'docker-oci' }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'containerd-store', opts: { layout: 'docker-oci', containerdStore: true }, manifestType: 'application/vnd.oci.image.manifest.v1+json', keepsDigest: true },
  { name: 'oci', opts: { layout: 'oci' }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'oci-nested-index', opts: { layout: 'oci', nestedIndex: true }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'gzip-whole', opts: { layout: 'docker-legacy', gzipWhole: true }, manifestType: 'application/vnd.docker.distribution.manifest.v2+json' },
  { name: 'uncompressed', opts: { layout: 'docker-legacy' }, manifestType: 'application/vnd.oci.image.manifest.v1+json', compression: 'none' },
];

describe('runPush round-trips every archive layout', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const repo = `rt/${c.name}`;
      const built = await buildArchive(join(dir, `${c.name}.tar`), { ...c.opts, seed: c.name, images: [{ tags: [`${repo}:1`], layers }] });
      const out = await pushTo(reg, built.path, { compression: c.compression }, { cacheDir: join(dir, `cache-${c.name}`) });
      expect(out.error).toBeUndefined();
      expect(out.ok).toBe(true);
      expect(out.pushed.map((p) => `${p.repository}:${p.tag}`)).toEqual([`${repo}:1`]);
      const stored = await readBack(reg, repo, '1');
      expect(stored.mediaType).toBe(c.manifestType);
      expect(stored.digest).toBe(out.pushed[0].digest);
      if (c.keepsDigest) expect(stored.digest).toBe(built.images[0].manifestDigest);
      expect(stored.manifest.config.digest).toBe(built.images[0].configDigest);
      expect(stored.config.rootfs.diff_ids).toEqual(built.images[0].diffIds);
      expect(stored.diffIds).toEqual(built.images[0].diffIds);
      expect(out.events.at(-1)?.phase).toBe('done');
      expect(out.bytesUploaded).toBeGreaterThan(0);
      expect(await openUploads(reg, repo)).toEqual([]);
    });
  }

  it('keeps zstd layers verbatim under an OCI manifest', async () => {
    const built = await buildArchive(join(dir, 'zstd.tar'), {
      layout: 'docker-oci',
      images: [{ tags: ['rt/zstd:1'], layers: [{ sizeBytes: 4096, compression: 'zstd-fake' }, { sizeBytes: 2048, compression: 'gzip' }] }],
    });
    const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-zstd') });
    expect(out.error).toBeUndefined();
    const stored = await readBack(reg, 'rt/zstd', '1');
    expect(stored.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(stored.manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.v1.tar+gzip']);
    // Verbatim: the wire digest is the stored bytes' digest.
    expect(stored.manifest.layers.map((l) => l.digest)).toEqual(built.images[0].layerDigests);
    expect(stored.diffIds[1]).toBe(built.images[0].diffIds[1]);
  });

  it('refuses zstd output on a Node without zstd, before touching the registry', async () => {
    const built = await buildArchive(join(dir, 'to-zstd.tar'), { layout: 'docker-legacy', images: [{ tags: ['rt/to-zstd:1'], layers: [{ sizeBytes: 1024 }] }] });
    const out = await pushTo(reg, built.path, { compression: 'zstd' }, { cacheDir: join(dir, 'cache-to-zstd') });
    const zlib = await import('node:zlib');
    if (typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function') {
      expect(out.ok).toBe(true);
    } else {
      expect(out.error?.code).toBe('UNSUPPORTED');
      expect(out.error?.message).toMatch(/Node 22\.15/);
      expect(await tagsOf(reg, 'rt/to-zstd')).toEqual([]);
    }
  });

  it('pushes every image of a multi-image archive to its own (fully qualified) tags', async () => {
    const built = await buildArchive(join(dir, 'multi.tar'), {
      layout: 'docker-legacy',
      images: [
        { tags: ['docker.io/library/multi-a:1', 'multi-a:latest'], layers: [{ sizeBytes: 5000 }] },
        { tags: ['other.host:5000/ns/multi-b:2'], layers: [{ sizeBytes: 6000 }] },
      ],
    });
    const out = await pushTo(reg, built.path, { useOriginalTags: true }, { cacheDir: join(dir, 'cache-multi') });
    expect(out.error).toBeUndefined();
    expect(out.pushed.map((p) => `${p.repository}:${p.tag}`).sort()).toEqual(['library/multi-a:1', 'library/multi-a:latest', 'multi-a:latest', 'ns/multi-b:2'].filter((t) => t !== 'library/multi-a:latest').sort());
    expect((await readBack(reg, 'ns/multi-b', '2')).manifest.config.digest).toBe(built.images[1].configDigest);
    expect((await readBack(reg, 'multi-a', 'latest')).manifest.config.digest).toBe(built.images[0].configDigest);
  });

  it('pushes to an explicit target and says why an untagged image cannot go anywhere', async () => {
    const built = await buildArchive(join(dir, 'untagged.tar'), { layout: 'docker-oci', images: [{ tags: [], layers: [{ sizeBytes: 1000 }] }] });
    const bad = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-untagged') });
    expect(bad.error?.code).toBe('INVALID_ARGUMENT');
    expect(bad.error?.message).toMatch(/no tag/);
    const good = await pushTo(reg, built.path, { target: 'explicit/app' }, { cacheDir: join(dir, 'cache-untagged') });
    expect(good.error).toBeUndefined();
    expect(good.pushed).toEqual([{ repository: 'explicit/app', tag: 'latest', digest: expect.stringMatching(/^sha256:/) }]);
  });

  it('skopeo accepts what Berth pushed (inspect and copy to dir:)', async () => {
    for (const [repo, compression] of [['skopeo/docker', 'gzip'], ['skopeo/oci', 'none']] as const) {
      const built = await buildArchive(join(dir, `${repo.replace('/', '-')}.tar`), { layout: 'docker-legacy', seed: repo, images: [{ tags: [`${repo}:1`], layers }] });
      const out = await pushTo(reg, built.path, { compression }, { cacheDir: join(dir, 'cache-skopeo') });
      expect(out.error).toBeUndefined();
      const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/${repo}:1`]);
      const info = JSON.parse(stdout) as { Digest: string; Layers: string[] };
      expect(info.Digest).toBe(out.pushed[0].digest);
      expect(info.Layers).toHaveLength(layers.length);
      const dest = join(dir, `copy-${repo.replace('/', '-')}`);
      await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${reg.host}/${repo}:1`, `dir:${dest}`]);
      const files = await readdir(dest);
      expect(files).toContain('manifest.json');
      const manifest = JSON.parse(await readFile(join(dest, 'manifest.json'), 'utf8')) as { config: { digest: string } };
      expect(manifest.config.digest).toBe(built.images[0].configDigest);
    }
  });
});

describe('foreign layers', () => {
  it('are kept as descriptors, not uploaded; a registry refusing them is named and leaves no tag', async () => {
    const built = await buildArchive(join(dir, 'foreign.tar'), { layout: 'docker-legacy', foreignLayer: true, images: [{ tags: ['foreign:1'], layers: [{ sizeBytes: 1000 }, { sizeBytes: 2000 }] }] });
    const out = await pushTo(reg, built.path, {}, { cacheDir: join(dir, 'cache-foreign') });
    // distribution 2.8 rejects manifests with layer URLs unless validation.manifests.urls.allow is set.
    expect(out.ok).toBe(false);
    expect(out.error?.message).toMatch(/foreign \(non-distributable\) layer sha256:[0-9a-f]{64} \(https:\/\/example\.invalid/);
    expect(out.events.at(-1)!.layers).toHaveLength(2); // the config and the one stored layer: the foreign one was never read
    expect(await tagsOf(reg, 'foreign')).toEqual([]);
  });
});

describe('bad inputs', () => {
  const kinds: BrokenKind[] = [
    'not-tar', 'empty', 'zero-blocks', 'truncated', 'truncated-gzip', 'cut-before-manifest', 'gzip-not-tar', 'zstd-whole', 'no-manifest',
    'bad-json', 'bad-config-json', 'bad-config-digest', 'missing-layer', 'missing-config', 'missing-oci-manifest', 'dotdot', 'absolute',
    'manifest-dotdot', 'symlink-escape', 'huge-manifest', 'layer-count-mismatch',
  ];
  it.each(kinds)('%s gives its code and leaves the catalog unchanged', async (kind) => {
    const before = await catalog(reg);
    const broken = await buildBrokenArchive(join(dir, `broken-${kind}.tar`), kind);
    const out = await pushTo(reg, broken.path, {}, { cacheDir: join(dir, 'cache-broken') });
    expect(out.ok).toBe(false);
    expect(out.error?.code).toBe(broken.expectedCode);
    expect(out.events.at(-1)?.phase).toBe('failed');
    expect(await catalog(reg)).toEqual(before);
  });

  it('a layer that does not match its diff ID fails with LAYER_DIGEST_MISMATCH and leaves no tag nor upload', async () => {
    const broken = await buildBrokenArchive(join(dir, 'wrong-diff-id.tar'), 'wrong-diff-id');
    const out = await pushTo(reg, broken.path, {}, { cacheDir: join(dir, 'cache-wrong') });
    expect(out.error?.code).toBe('LAYER_DIGEST_MISMATCH');
    expect(out.pushed).toEqual([]);
    expect(await tagsOf(reg, 'broken')).toEqual([]);
    expect(await openUploads(reg, 'broken')).toEqual([]);
  });
});
