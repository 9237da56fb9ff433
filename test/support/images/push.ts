/** Seeds a test registry over its HTTP API with images built by the one image builder. */
import { randomUUID } from 'node:crypto';
import { sha256 } from '../digest';
import type { RunningRegistry } from '../registry/start';
import { buildAttestation, buildConfig, buildIndex, buildManifest, descriptorOf, jsonBytes, platformField, type ConfigOptions, type Descriptor, type Platform } from './image';
import { payloadLayer, type BuiltLayer } from './layers';
import { DOCKER_LAYER_GZIP, MEDIA, type ImageFormat } from './media-types';
import { seedClient } from './seed-client';

export type { Platform } from './image';

/** What an image push pushed. */
export interface PushedImage {
  digest: string;
  manifest: Record<string, unknown>;
  manifestBytes: Buffer;
  mediaType: string;
  config: Record<string, unknown>;
  configDigest: string;
  layers: BuiltLayer[];
  /** config + stored layers, in bytes. */
  size: number;
}

/**
 * Pushes built layers (bottom first) and a config — generated from `config` options, or the given
 * bytes as they are (to mirror an archive's image exactly) — then the manifest under each tag
 * (by digest only when there are none). Docker schema 2 takes gzip layers only.
 */
export async function pushLayers(
  reg: RunningRegistry,
  repo: string,
  tags: string[],
  layers: BuiltLayer[],
  config: ConfigOptions | Buffer = {},
  format: ImageFormat = 'oci',
): Promise<PushedImage> {
  const client = seedClient(reg);
  const configBytes = Buffer.isBuffer(config) ? config : jsonBytes(buildConfig(layers.map((l) => l.diffId), config));
  const configDigest = sha256(configBytes);
  await Promise.all([...layers.map((l) => client.putBlob(repo, l.digest, l.blob)), client.putBlob(repo, configDigest, configBytes)]);
  const layerType = (l: BuiltLayer): string => {
    if (format === 'oci') return l.mediaType;
    if (l.compression !== 'gzip') throw new Error(`a schema 2 manifest cannot list a ${l.compression} layer; push it as OCI`);
    return DOCKER_LAYER_GZIP;
  };
  const manifest = buildManifest(
    format,
    descriptorOf(MEDIA[format].config, configBytes),
    layers.map((l) => ({ mediaType: layerType(l), digest: l.digest, size: l.size })),
  );
  const manifestBytes = jsonBytes(manifest);
  const digest = sha256(manifestBytes);
  const mediaType = MEDIA[format].manifest;
  for (const ref of tags.length ? tags : [digest]) await client.putManifest(repo, ref, mediaType, manifestBytes);
  return {
    digest,
    manifest,
    manifestBytes,
    mediaType,
    config: JSON.parse(configBytes.toString('utf8')) as Record<string, unknown>,
    configDigest,
    layers,
    size: configBytes.length + layers.reduce((n, l) => n + l.size, 0),
  };
}

/** Options of pushImage. */
export interface PushImageOptions extends ConfigOptions {
  /** Number of layers (default 2; ignored when layerSizes is given). */
  layers?: number;
  /** Uncompressed payload bytes per layer (pseudo-random, so the gzip blob is about as big). */
  layerSizes?: number[];
  /** Makes content unique and deterministic: the same seed and options give the same digest. Default random. */
  seed?: string;
  format?: ImageFormat;
}

/** Pushes one image (real gzip tar layers, a full config) under each tag; with no tags, by digest only. */
export async function pushImage(reg: RunningRegistry, repo: string, tags: string[], opts: PushImageOptions = {}): Promise<PushedImage> {
  const seed = opts.seed ?? randomUUID();
  const sizes = opts.layerSizes ?? Array.from({ length: opts.layers ?? 2 }, (_, i) => 512 + 97 * i);
  const layers = await Promise.all(sizes.map((size, i) => payloadLayer(seed, i, size)));
  return pushLayers(reg, repo, tags, layers, opts, opts.format ?? 'docker');
}

/** Options of pushIndex. */
export interface PushIndexOptions {
  /** Adds a buildx-style attestation manifest per platform image. */
  attestation?: boolean;
  format?: ImageFormat;
  seed?: string;
  created?: string;
}

/** What pushIndex pushed; children include attestation manifests (platform unknown/unknown). */
export interface PushedIndex {
  digest: string;
  mediaType: string;
  index: Record<string, unknown>;
  manifestBytes: Buffer;
  children: { digest: string; platform: Platform; size: number; mediaType: string; attestationFor?: string }[];
  images: PushedImage[];
}

/** Pushes one image per platform (by digest), optional attestations, then the index under each tag. */
export async function pushIndex(reg: RunningRegistry, repo: string, tags: string[], platforms: Platform[], opts: PushIndexOptions = {}): Promise<PushedIndex> {
  const client = seedClient(reg);
  const format = opts.format ?? 'oci';
  const seed = opts.seed ?? randomUUID();
  const images: PushedImage[] = [];
  const entries: Descriptor[] = [];
  const children: PushedIndex['children'] = [];
  for (const p of platforms) {
    const key = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
    const img = await pushImage(reg, repo, [], { seed: `${seed}/${key}`, platform: p, format, created: opts.created, layers: 1 });
    images.push(img);
    entries.push({ mediaType: img.mediaType, digest: img.digest, size: img.manifestBytes.length, platform: platformField(p) });
    children.push({ digest: img.digest, platform: p, size: img.manifestBytes.length, mediaType: img.mediaType });
  }
  if (opts.attestation) {
    for (const img of images) {
      const att = buildAttestation(img.digest, { name: `pkg:docker/${repo}`, created: opts.created });
      await client.putBlob(repo, sha256(att.statement), att.statement);
      await client.putBlob(repo, sha256(att.config), att.config);
      await client.putManifest(repo, att.descriptor.digest, att.descriptor.mediaType, att.manifest);
      entries.push(att.descriptor);
      children.push({ digest: att.descriptor.digest, platform: { os: 'unknown', architecture: 'unknown' }, size: att.descriptor.size, mediaType: att.descriptor.mediaType, attestationFor: img.digest });
    }
  }
  const index = buildIndex(format, entries);
  const manifestBytes = jsonBytes(index);
  const digest = sha256(manifestBytes);
  const mediaType = MEDIA[format].index;
  for (const ref of tags.length ? tags : [digest]) await client.putManifest(repo, ref, mediaType, manifestBytes);
  return { digest, mediaType, index, manifestBytes, children, images };
}
