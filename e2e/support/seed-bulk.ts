import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA, buildConfig, buildLayer, buildManifest, jsonBytes, sha256, type BuiltLayer } from './seed-image';
import { mapPool, seedClient } from './seed-http';
import type { RunningRegistry } from './registry';

/** Options of pushManyRepositories. */
export interface ManyRepositoriesOptions {
  /** Requests in flight (default 16). */
  concurrency?: number;
  /** Tag given in every repository (default 'latest'). */
  tag?: string;
  seed?: string;
  format?: 'docker' | 'oci';
  /**
   * 'http' (default): every repository through the API (mount + manifest PUT).
   * 'storage': the first through the API, the rest as the link files the registry itself would
   * write, straight into its storage (no cache is configured, so it serves them at once) — for benches.
   */
  via?: 'http' | 'storage';
}

/** Pushes the same one-layer image to every repository: the first gets the blobs, the rest mount them. */
export async function pushManyRepositories(
  reg: RunningRegistry,
  names: string[],
  opts: ManyRepositoriesOptions = {},
): Promise<{ digest: string; tag: string; ms: number }> {
  const t0 = performance.now();
  const client = seedClient(reg);
  const format = opts.format ?? 'docker';
  const tag = opts.tag ?? 'latest';
  if (names.length === 0) return { digest: '', tag, ms: 0 };
  const layer = await buildLayer(opts.seed ?? 'berth-many-repos', 0, 256);
  const configBytes = jsonBytes(buildConfig([layer], {}));
  const configDigest = sha256(configBytes);
  const manifestBytes = jsonBytes(
    buildManifest(
      format,
      { mediaType: MEDIA[format].config, digest: configDigest, size: configBytes.length },
      [{ mediaType: MEDIA[format].layer, digest: layer.digest, size: layer.size }],
    ),
  );
  const mediaType = MEDIA[format].manifest;
  const [first, ...rest] = names;
  await client.putBlob(first, layer.digest, layer.blob);
  await client.putBlob(first, configDigest, configBytes);
  const digest = await client.putManifest(first, tag, mediaType, manifestBytes);
  if (opts.via === 'storage') {
    await linkRepositories(reg, rest, tag, [layer.digest, configDigest], digest);
    return { digest, tag, ms: performance.now() - t0 };
  }
  await mapPool(rest, opts.concurrency ?? 16, async (repo) => {
    // A mount is one request per blob; the registry links the existing blob into the new repository.
    await client.mountBlob(repo, first, layer.digest, layer.blob);
    await client.mountBlob(repo, first, configDigest, configBytes);
    await client.putManifest(repo, tag, mediaType, manifestBytes);
  });
  return { digest, tag, ms: performance.now() - t0 };
}

/** Writes distribution 2.8's filesystem layout for repositories whose blobs already exist in storage. */
async function linkRepositories(reg: RunningRegistry, repos: string[], tag: string, blobs: string[], manifest: string): Promise<void> {
  const root = join(reg.storageDir, 'docker/registry/v2/repositories');
  // Synchronous calls are several times faster than thousands of thread-pool round trips; yield every batch.
  const link = (dir: string, digest: string): void => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'link'), digest);
  };
  const hex = (d: string): string => d.slice('sha256:'.length);
  for (let i = 0; i < repos.length; i++) {
    const r = join(root, repos[i]);
    for (const b of blobs) link(join(r, '_layers/sha256', hex(b)), b);
    link(join(r, '_manifests/revisions/sha256', hex(manifest)), manifest);
    link(join(r, '_manifests/tags', tag, 'index/sha256', hex(manifest)), manifest);
    link(join(r, '_manifests/tags', tag, 'current'), manifest);
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Options of tagMany. */
export interface TagManyOptions {
  /** Requests in flight (default 16). */
  concurrency?: number;
  /** Tag name prefix (default 'v'); tags are prefix + zero-padded index. */
  prefix?: string;
  seed?: string;
  /** Created date of tag 0 (default 2024-01-01T00:00:00Z); each next tag is `stepMinutes` later (default 60). */
  start?: string;
  stepMinutes?: number;
  format?: 'docker' | 'oci';
}

/** One tag pushed by tagMany. */
export interface TaggedImage {
  tag: string;
  digest: string;
  created: string;
  configDigest: string;
}

/** Pushes `count` distinct images (shared layer, own config and created date each), one tag per image. */
export async function tagMany(reg: RunningRegistry, repo: string, count: number, opts: TagManyOptions = {}): Promise<TaggedImage[]> {
  const client = seedClient(reg);
  const format = opts.format ?? 'docker';
  const prefix = opts.prefix ?? 'v';
  const start = Date.parse(opts.start ?? '2024-01-01T00:00:00Z');
  const step = (opts.stepMinutes ?? 60) * 60_000;
  const layer: BuiltLayer = await buildLayer(opts.seed ?? 'berth-tag-many', 0, 256);
  await client.putBlob(repo, layer.digest, layer.blob);
  const width = String(Math.max(count - 1, 0)).length;
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapPool(indexes, opts.concurrency ?? 16, async (i) => {
    const created = new Date(start + i * step).toISOString();
    const tag = `${prefix}${String(i).padStart(width, '0')}`;
    const configBytes = jsonBytes(buildConfig([layer], { created, labels: { 'berth.test.index': String(i) } }));
    const configDigest = sha256(configBytes);
    await client.putBlob(repo, configDigest, configBytes, { skipHead: true });
    const manifestBytes = jsonBytes(
      buildManifest(
        format,
        { mediaType: MEDIA[format].config, digest: configDigest, size: configBytes.length },
        [{ mediaType: MEDIA[format].layer, digest: layer.digest, size: layer.size }],
      ),
    );
    await client.putManifest(repo, tag, MEDIA[format].manifest, manifestBytes);
    return { tag, digest: sha256(manifestBytes), created, configDigest };
  });
}
