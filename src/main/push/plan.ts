/**
 * The push plan of one image: for every layer, how its bytes travel (compressed by Berth, sent
 * as stored, or left foreign) and which digest it may already have — so the manifest format is
 * chosen before anything is uploaded.
 */
import { BerthError } from '../../shared/errors';
import type { Compression, Descriptor } from '../../shared/types';
import type { ArchiveImageEntry, OpenedArchive } from '../archive/types';
import type { BlobJob } from './blob-push';
import type { PushCache } from './cache';
import { chooseManifestFormat, encodingOfMediaType, foreignMediaType, layerMediaType, type LayerEncoding, type ManifestFormat } from './manifest';

/** One layer's slot in the manifest: a blob to push, or a foreign descriptor kept as is. */
export type LayerPlan = { kind: 'blob'; job: BlobJob } | { kind: 'foreign'; descriptor: Descriptor; encoding: LayerEncoding };

/** Everything needed to push one image. */
export interface ImagePlan {
  image: ArchiveImageEntry;
  format: ManifestFormat;
  config: BlobJob;
  layers: LayerPlan[];
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
  return { image, format, config, layers };
}

/** The manifest's layer descriptors, given what each blob became in the target repository. */
export function layerDescriptors(plan: ImagePlan, pushed: Map<string, { digest: string; size: number }>): Descriptor[] {
  return plan.layers.map((l) => {
    if (l.kind === 'foreign') return { ...l.descriptor, mediaType: foreignMediaType(plan.format, l.descriptor.mediaType) };
    const blob = pushed.get(l.job.key);
    if (!blob) throw new BerthError('INTERNAL', `Layer ${l.job.key} was not pushed before its manifest. Please report this as a bug.`);
    return { mediaType: layerMediaType(plan.format, l.job.encoding), digest: blob.digest, size: blob.size };
  });
}
