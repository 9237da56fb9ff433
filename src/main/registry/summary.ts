/**
 * What the tags table and the image screen show: TagDetail (cheap: manifest + config for an
 * image) and ManifestSummary (image: config, history, runtime; index: per-platform entries).
 */
import { BerthError } from '../../shared/errors';
import type { Descriptor, ImageSummary, IndexEntry, IndexSummary, ManifestSummary, Platform, TagDetail } from '../../shared/types';
import type { RegistryClient } from './client';
import {
  ATTESTATION_DIGEST_KEY,
  alignHistory,
  displayPlatform,
  imageSize,
  isAttestation,
  readCreated,
  readDescriptor,
  readImageManifest,
  readPlatform,
  readRuntimeConfig,
} from './image-config';
import { mapLimit } from '../../shared/limiter';
import { fetchBlobBytes, fetchManifest, type FetchedManifest } from './manifest';
import { MAX_CONFIG_BYTES, isImageType, isIndexType } from './media-types';

/** How many child manifests of an index are fetched at once. */
const CHILD_CONCURRENCY = 4;

function isCancel(err: unknown): boolean {
  return err instanceof BerthError && err.code === 'CANCELLED';
}

function unsupportedKind(repository: string, reference: string, mediaType: string): BerthError {
  return new BerthError('UNSUPPORTED', `${repository}:${reference} is a ${mediaType || 'manifest of unknown type'}, not an image or an index; Berth cannot show it.`);
}

function indexDescriptors(m: FetchedManifest): Descriptor[] {
  return Array.isArray(m.json?.manifests) ? (m.json.manifests as unknown[]).map(readDescriptor) : [];
}

async function fetchConfig(client: RegistryClient, repository: string, config: Descriptor, signal?: AbortSignal): Promise<{ bytes: Buffer; json: unknown }> {
  if (!config.digest) throw new BerthError('MANIFEST_INVALID', `An image manifest in ${repository} has no config descriptor; push the image again.`);
  const bytes = await fetchBlobBytes(client, repository, config.digest, MAX_CONFIG_BYTES, signal);
  try {
    return { bytes, json: JSON.parse(bytes.toString('utf8')) };
  } catch {
    // Non-JSON configs exist (artifacts); treat them as having no image fields.
    return { bytes, json: {} };
  }
}

/** Size of each child image of an index (null where it could not be fetched), in index order. */
async function childManifests(client: RegistryClient, repository: string, entries: Descriptor[], signal?: AbortSignal): Promise<(FetchedManifest | null)[]> {
  return mapLimit(entries, CHILD_CONCURRENCY, async (d) => {
    if (!isImageType(d.mediaType) || !d.digest) return null;
    try {
      return await fetchManifest(client, repository, d.digest, signal);
    } catch (err) {
      // Sparse indexes (platforms never pushed) are normal; only cancellation stops the whole call.
      if (isCancel(err)) throw err;
      return null;
    }
  });
}

/** One row of the tags table: manifest + config for an image; index + children (+ one config) for an index. */
export async function getTagDetail(client: RegistryClient, repository: string, tag: string, signal?: AbortSignal): Promise<TagDetail> {
  const m = await fetchManifest(client, repository, tag, signal);
  if (isImageType(m.mediaType)) {
    const { config } = readImageManifest(m.json);
    const cfg = await fetchConfig(client, repository, config, signal);
    const platform = readPlatform(cfg.json);
    return {
      tag,
      digest: m.digest,
      mediaType: m.mediaType,
      kind: 'image',
      size: imageSize(m.json),
      created: readCreated(cfg.json),
      platforms: platform ? [platform] : [],
    };
  }
  if (!isIndexType(m.mediaType)) throw unsupportedKind(repository, tag, m.mediaType);
  const entries = indexDescriptors(m).filter((d) => !isAttestation(d));
  const children = await childManifests(client, repository, entries, signal);
  const size = children.every((c) => c !== null) ? children.reduce((sum, c) => sum + imageSize(c!.json), 0) : null;
  let created: string | null = null;
  const first = children.find((c) => c !== null);
  if (first) {
    try {
      created = readCreated((await fetchConfig(client, repository, readImageManifest(first.json).config, signal)).json);
    } catch (err) {
      if (isCancel(err)) throw err;
    }
  }
  return {
    tag,
    digest: m.digest,
    mediaType: m.mediaType,
    kind: 'index',
    size: entries.length ? size : null,
    created,
    platforms: entries.map(displayPlatform).filter((p): p is Platform => p !== null),
  };
}

/** The image screen: full image summary, or an index with per-platform sizes and labelled attestations. */
export async function getManifestSummary(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<ManifestSummary> {
  const m = await fetchManifest(client, repository, reference, signal);
  if (isImageType(m.mediaType)) return imageSummary(client, repository, reference, m, signal);
  if (!isIndexType(m.mediaType)) throw unsupportedKind(repository, reference, m.mediaType);
  return indexSummary(client, repository, reference, m, signal);
}

async function imageSummary(client: RegistryClient, repository: string, reference: string, m: FetchedManifest, signal?: AbortSignal): Promise<ImageSummary> {
  const { config, layers } = readImageManifest(m.json);
  const cfg = await fetchConfig(client, repository, config, signal);
  const cfgJson = cfg.json as { history?: unknown } | null;
  return {
    kind: 'image',
    repository,
    reference,
    digest: m.digest,
    mediaType: m.mediaType,
    platform: readPlatform(cfg.json),
    created: readCreated(cfg.json),
    size: imageSize(m.json),
    config,
    layers,
    history: alignHistory(cfgJson?.history, layers),
    ...readRuntimeConfig(cfg.json),
    rawManifest: m.bytes.toString('utf8'),
    rawConfig: cfg.bytes.toString('utf8'),
  };
}

async function indexSummary(client: RegistryClient, repository: string, reference: string, m: FetchedManifest, signal?: AbortSignal): Promise<IndexSummary> {
  const descriptors = indexDescriptors(m);
  const children = await childManifests(client, repository, descriptors, signal);
  const manifests: IndexEntry[] = descriptors.map((d, i) => {
    const attestation = isAttestation(d);
    const child = children[i];
    return {
      descriptor: d,
      platform: d.platform ?? null,
      attestation,
      attestationFor: attestation ? (d.annotations?.[ATTESTATION_DIGEST_KEY] ?? null) : null,
      size: child ? imageSize(child.json) : null,
    };
  });
  return {
    kind: 'index',
    repository,
    reference,
    digest: m.digest,
    mediaType: m.mediaType,
    manifests,
    rawManifest: m.bytes.toString('utf8'),
  };
}
