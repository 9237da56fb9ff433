import { randomUUID } from 'node:crypto';
import type { RunningRegistry } from '../registry/start';
import {
  MEDIA, buildConfig, buildLayer, buildManifest, jsonBytes, sha256,
  type BuiltLayer, type ConfigOptions, type Descriptor, type Platform,
} from './image';
import { seedClient, type SeedClient } from './seed-client';

export type { Platform } from './image';
export { SeedClient, seedClient, basicAuth, fetchToken, parseBearerChallenge, mapPool } from './seed-client';

/** Options of pushImage. */
export interface PushImageOptions extends ConfigOptions {
  /** Number of layers (default 2; ignored when layerSizes is given). */
  layers?: number;
  /** Uncompressed payload bytes per layer (pseudo-random, so the gzip blob is about as big). */
  layerSizes?: number[];
  /** Makes content unique and deterministic: the same seed and options give the same digest. Default random. */
  seed?: string;
  format?: 'docker' | 'oci';
}

/** What pushImage pushed. */
export interface PushedImage {
  digest: string;
  manifest: Record<string, unknown>;
  manifestBytes: Buffer;
  mediaType: string;
  config: Record<string, unknown>;
  configDigest: string;
  layers: { digest: string; size: number; diffId: string }[];
  /** config + compressed layers, in bytes. */
  size: number;
}

/** Pushes one image (real gzip tar layers, a full config) under each tag; with no tags, by digest only. */
export async function pushImage(reg: RunningRegistry, repo: string, tags: string[], opts: PushImageOptions = {}): Promise<PushedImage> {
  const client = seedClient(reg);
  const format = opts.format ?? 'docker';
  const seed = opts.seed ?? randomUUID();
  const sizes = opts.layerSizes ?? Array.from({ length: opts.layers ?? 2 }, (_, i) => 512 + 97 * i);
  const layers: BuiltLayer[] = await Promise.all(sizes.map((size, i) => buildLayer(seed, i, size)));
  const config = buildConfig(layers, opts);
  const configBytes = jsonBytes(config);
  const configDigest = sha256(configBytes);
  await Promise.all([
    ...layers.map((l) => client.putBlob(repo, l.digest, l.blob)),
    client.putBlob(repo, configDigest, configBytes),
  ]);
  const manifest = buildManifest(
    format,
    { mediaType: MEDIA[format].config, digest: configDigest, size: configBytes.length },
    layers.map((l) => ({ mediaType: MEDIA[format].layer, digest: l.digest, size: l.size })),
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
    config,
    configDigest,
    layers: layers.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId })),
    size: configBytes.length + layers.reduce((n, l) => n + l.size, 0),
  };
}

/** Options of pushIndex. */
export interface PushIndexOptions {
  /** Adds a buildx-style attestation manifest per platform image. */
  attestation?: boolean;
  format?: 'docker' | 'oci';
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
export async function pushIndex(
  reg: RunningRegistry,
  repo: string,
  tags: string[],
  platforms: Platform[],
  opts: PushIndexOptions = {},
): Promise<PushedIndex> {
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
    const platform: Record<string, string> = { architecture: p.architecture, os: p.os };
    if (p.variant) platform.variant = p.variant;
    entries.push({ mediaType: img.mediaType, digest: img.digest, size: img.manifestBytes.length, platform });
    children.push({ digest: img.digest, platform: p, size: img.manifestBytes.length, mediaType: img.mediaType });
  }
  if (opts.attestation) {
    for (const img of images) {
      const att = await pushAttestation(client, repo, img.digest, opts.created);
      entries.push({
        mediaType: MEDIA.oci.manifest,
        digest: att.digest,
        size: att.bytes.length,
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: { 'vnd.docker.reference.digest': img.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      });
      children.push({
        digest: att.digest,
        platform: { os: 'unknown', architecture: 'unknown' },
        size: att.bytes.length,
        mediaType: MEDIA.oci.manifest,
        attestationFor: img.digest,
      });
    }
  }
  const mediaType = MEDIA[format].index;
  const index = { schemaVersion: 2, mediaType, manifests: entries };
  const manifestBytes = jsonBytes(index);
  const digest = sha256(manifestBytes);
  for (const ref of tags.length ? tags : [digest]) await client.putManifest(repo, ref, mediaType, manifestBytes);
  return { digest, mediaType, index, manifestBytes, children, images };
}

async function pushAttestation(client: SeedClient, repo: string, subject: string, created?: string): Promise<{ digest: string; bytes: Buffer }> {
  const statement = jsonBytes({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    subject: [{ name: `pkg:docker/${repo}`, digest: { sha256: subject.slice(7) } }],
    predicate: { spdxVersion: 'SPDX-2.3', name: 'berth-test-sbom', packages: [] },
  });
  const layerDigest = sha256(statement);
  const config = jsonBytes({
    architecture: 'unknown',
    os: 'unknown',
    created: created ?? '2024-05-01T12:00:00Z',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
  });
  const configDigest = sha256(config);
  await client.putBlob(repo, layerDigest, statement);
  await client.putBlob(repo, configDigest, config);
  const manifest = buildManifest(
    'oci',
    { mediaType: MEDIA.oci.config, digest: configDigest, size: config.length },
    [{ mediaType: 'application/vnd.in-toto+json', digest: layerDigest, size: statement.length, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
  );
  const bytes = jsonBytes(manifest);
  const digest = sha256(bytes);
  await client.putManifest(repo, digest, MEDIA.oci.manifest, bytes);
  return { digest, bytes };
}

export { pushManyRepositories, tagMany, type TagManyOptions, type TaggedImage } from './bulk';
