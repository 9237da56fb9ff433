/**
 * The push's first step, the plan: for every layer of every image pushed, how its bytes travel
 * (compressed by Berth, sent as stored, or left foreign) and which digest it may already have —
 * so the manifest format is chosen before anything is uploaded.
 */
import { BerthError } from '../../shared/errors';
import type { Compression, Descriptor } from '../../shared/types';
import type { ArchiveImageEntry, OpenedArchive, StoredManifest } from '../archive/types';
import { encodingOfMediaType, type LayerEncoding, type ManifestFormat } from '../registry/media-types';
import type { BlobJob } from './blob-push';
import type { PushCache } from './cache';
import { chooseManifestFormat } from './manifests';
import type { ProgressTracker } from './progress';
import type { PushTarget } from './targets';
import { storedManifestOf } from './verbatim';

/** One layer's slot in the manifest: a blob to push, or a foreign descriptor kept as is. */
export type LayerPlan = { kind: 'blob'; job: BlobJob } | { kind: 'foreign'; descriptor: Descriptor; encoding: LayerEncoding };

/** Everything needed to push one image. */
export interface ImagePlan {
  image: ArchiveImageEntry;
  format: ManifestFormat;
  config: BlobJob;
  layers: LayerPlan[];
  /** The archive's own manifest, PUT as it is when the pushed blobs match it (every blob travels as stored). */
  stored: StoredManifest | null;
}

/** Plans one image; `compression` applies to layers stored uncompressed, others travel as stored. */
export function planImage(archive: OpenedArchive, image: ArchiveImageEntry, compression: Compression, cache: PushCache, signal?: AbortSignal): ImagePlan {
  const layers: LayerPlan[] = image.layers.map((layer, i) => {
    if (layer.foreign) {
      const f = layer.foreign;
      const descriptor: Descriptor = { mediaType: f.mediaType, digest: f.digest, size: f.size };
      if (f.urls?.length) descriptor.urls = f.urls;
      return { kind: 'foreign', descriptor, encoding: encodingOfMediaType(f.mediaType) };
    }
    const source = layer.source;
    if (!source) {
      throw new BerthError('ARCHIVE_MISSING_BLOB', `Layer ${i + 1} of image ${image.index} has no data in the archive. Save the image again with docker save.`);
    }
    const open = (): AsyncIterable<Buffer> => archive.openBlob(source, signal);
    const key = layer.diffId ?? layer.digest ?? `${image.config.digest}#${i}`;
    if (layer.compression === 'none') {
      const encoding: LayerEncoding = compression;
      const cached = layer.diffId ? cache.layer(layer.diffId, encoding) : undefined;
      const job: BlobJob = {
        key,
        encoding,
        mode: { kind: 'compress', to: encoding },
        expectedDiffId: layer.diffId,
        knownDigest: encoding === 'none' ? layer.diffId : (cached?.digest ?? null),
        sourceSize: layer.size,
        open,
        cacheKey: layer.diffId ? { diffId: layer.diffId, encoding } : null,
      };
      return { kind: 'blob', job };
    }
    const encoding: LayerEncoding = layer.compression;
    const cacheEncoding = `stored-${encoding}`;
    const cached = layer.diffId ? cache.layer(layer.diffId, cacheEncoding) : undefined;
    const job: BlobJob = {
      key,
      encoding,
      mode: { kind: 'verbatim', stored: encoding },
      expectedDiffId: layer.diffId,
      knownDigest: layer.digest ?? cached?.digest ?? null,
      sourceSize: layer.size,
      open,
      cacheKey: layer.diffId ? { diffId: layer.diffId, encoding: cacheEncoding } : null,
    };
    return { kind: 'blob', job };
  });
  const format = chooseManifestFormat(layers.map((l) => (l.kind === 'blob' ? l.job.encoding : l.encoding)));
  const bytes = image.config.bytes;
  const config: BlobJob = {
    key: image.config.digest,
    encoding: 'none',
    mode: { kind: 'verbatim', stored: 'none' },
    expectedDiffId: null,
    knownDigest: image.config.digest,
    sourceSize: bytes.length,
    open: async function* () {
      yield bytes;
    },
    cacheKey: null,
  };
  return { image, format, config, layers, stored: storedManifestOf(archive, image, compression) };
}

/** Plans each image the targets name (once, however many targets share it) and announces its blobs to progress. */
export function planPush(archive: OpenedArchive, targets: PushTarget[], compression: Compression, cache: PushCache, tracker: ProgressTracker, signal: AbortSignal): Map<number, ImagePlan> {
  const plans = new Map<number, ImagePlan>();
  for (const t of targets) {
    if (plans.has(t.imageIndex)) continue;
    const image = archive.images.find((i) => i.index === t.imageIndex)!;
    const plan = planImage(archive, image, compression, cache, signal);
    plans.set(t.imageIndex, plan);
    tracker.addLayer(plan.config.key, plan.config.sourceSize);
    for (const l of plan.layers) if (l.kind === 'blob') tracker.addLayer(l.job.key, l.job.sourceSize);
  }
  return plans;
}
