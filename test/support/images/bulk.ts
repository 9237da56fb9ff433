/**
 * Bulk seeding for big catalogs (benches, paging tests): one layer shared by many repositories or
 * tags, pushed through the API — or, for the rest after the first, written straight into the
 * registry's storage as the link files it would write itself.
 */
import { sha256 } from '../digest';
import { linkStoredLayers, linkStoredManifest, writeStoredBlob, yieldNow } from '../registry/storage';
import type { RunningRegistry } from '../registry/start';
import { buildConfig, buildManifest, descriptorOf, jsonBytes } from './image';
import { payloadLayer, type BuiltLayer } from './layers';
import { MEDIA, type ImageFormat } from './media-types';
import { mapLimit } from '../../../src/shared/limiter';
import { seedClient } from './seed-client';

/** The manifest of a config and one gzip layer. */
function oneLayerManifest(format: ImageFormat, config: Buffer, layer: BuiltLayer): Record<string, unknown> {
  return buildManifest(format, descriptorOf(MEDIA[format].config, config), [{ mediaType: MEDIA[format].layer, digest: layer.digest, size: layer.size }]);
}

/** Options of pushManyRepositories. */
export interface ManyRepositoriesOptions {
  /** Requests in flight (default 16). */
  concurrency?: number;
  /** Tag given in every repository (default 'latest'). */
  tag?: string;
  seed?: string;
  format?: ImageFormat;
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
  const layer = await payloadLayer(opts.seed ?? 'berth-many-repos', 0, 256);
  const configBytes = jsonBytes(buildConfig([layer.diffId]));
  const configDigest = sha256(configBytes);
  const manifestBytes = jsonBytes(oneLayerManifest(format, configBytes, layer));
  const mediaType = MEDIA[format].manifest;
  const [first, ...rest] = names;
  await client.putBlob(first, layer.digest, layer.blob);
  await client.putBlob(first, configDigest, configBytes);
  const digest = await client.putManifest(first, tag, mediaType, manifestBytes);
  if (opts.via === 'storage') {
    for (let i = 0; i < rest.length; i++) {
      linkStoredLayers(reg, rest[i], [layer.digest, configDigest]);
      linkStoredManifest(reg, rest[i], tag, digest);
      if (i % 200 === 199) await yieldNow();
    }
    return { digest, tag, ms: performance.now() - t0 };
  }
  await mapLimit(rest, opts.concurrency ?? 16, async (repo) => {
    // A mount is one request per blob; the registry links the existing blob into the new repository.
    await client.mountBlob(repo, first, layer.digest, layer.blob);
    await client.mountBlob(repo, first, configDigest, configBytes);
    await client.putManifest(repo, tag, mediaType, manifestBytes);
  });
  return { digest, tag, ms: performance.now() - t0 };
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
  format?: ImageFormat;
  /** 'http' (default) or 'storage' (the layer through the API, configs/manifests/links written to storage). */
  via?: 'http' | 'storage';
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
  const layer = await payloadLayer(opts.seed ?? 'berth-tag-many', 0, 256);
  await client.putBlob(repo, layer.digest, layer.blob);
  const width = String(Math.max(count - 1, 0)).length;
  const indexes = Array.from({ length: count }, (_, i) => i);
  const build = (i: number) => {
    const created = new Date(start + i * step).toISOString();
    const tag = `${prefix}${String(i).padStart(width, '0')}`;
    const configBytes = jsonBytes(buildConfig([layer.diffId], { created, labels: { 'berth.test.index': String(i) } }));
    const configDigest = sha256(configBytes);
    const manifestBytes = jsonBytes(oneLayerManifest(format, configBytes, layer));
    return { tag, created, configBytes, configDigest, manifestBytes, digest: sha256(manifestBytes) };
  };
  if (opts.via === 'storage') {
    const out: TaggedImage[] = [];
    for (const i of indexes) {
      const b = build(i);
      writeStoredBlob(reg, b.configDigest, b.configBytes);
      writeStoredBlob(reg, b.digest, b.manifestBytes);
      linkStoredLayers(reg, repo, [b.configDigest]);
      linkStoredManifest(reg, repo, b.tag, b.digest);
      out.push({ tag: b.tag, digest: b.digest, created: b.created, configDigest: b.configDigest });
      if (i % 100 === 99) await yieldNow();
    }
    return out;
  }
  return mapLimit(indexes, opts.concurrency ?? 16, async (i) => {
    const b = build(i);
    await client.putBlob(repo, b.configDigest, b.configBytes, { skipHead: true });
    await client.putManifest(repo, b.tag, MEDIA[format].manifest, b.manifestBytes);
    return { tag: b.tag, digest: b.digest, created: b.created, configDigest: b.configDigest };
  });
}
