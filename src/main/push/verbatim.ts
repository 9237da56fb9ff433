/**
 * Pushing an archive's own manifests (issue 14's round trip): when every blob of an image travels
 * as stored, the OCI layout's manifest bytes are PUT as they are — so a `berth save` pushed back
 * with `--compression none` keeps every digest, and signatures that name them stay true. A
 * multi-platform tag whose every child the archive holds goes up as its index, children by
 * digest first. Pushes that recompress build their manifests as before (manifests.ts).
 */
import type { Compression } from '../../shared/types';
import type { ArchiveImageEntry, ArchiveLayer, OpenedArchive, StoredManifest } from '../archive/types';
import { isIndexType, OCI_MANIFEST } from '../registry/media-types';
import type { BlobJob } from './blob-push';

/** An index of the archive that can be pushed as it is. */
export interface VerbatimIndex {
  digest: string;
  manifest: StoredManifest;
  /** Archive images among its children (pushed with their stored manifests, by digest). */
  images: number[];
  /** Its other children (buildx attestations, artifacts): their manifests and blobs go verbatim too. */
  others: StoredManifest[];
}

/** True when a layer's bytes go to the registry exactly as the archive stores them. */
export function travelsAsStored(layer: ArchiveLayer, compression: Compression): boolean {
  return layer.foreign !== null || layer.compression !== 'none' || compression === 'none';
}

/** The digest a layer will have in the registry when it travels as stored; null when unknown before reading it. */
function storedDigest(layer: ArchiveLayer): string | null {
  return layer.foreign?.digest ?? layer.digest ?? (layer.compression === 'none' ? layer.diffId : null);
}

/** The media type to PUT a stored manifest with (its descriptor's, else its own field, else OCI). */
export function storedMediaType(m: StoredManifest): string {
  return m.mediaType || (typeof m.json?.mediaType === 'string' ? m.json.mediaType : OCI_MANIFEST);
}

/**
 * The image's manifest as the archive stores it, when that manifest names exactly the config and
 * layers that will be pushed (every blob travelling as stored); null otherwise (Berth builds one).
 */
export function storedManifestOf(archive: OpenedArchive, image: ArchiveImageEntry, compression: Compression): StoredManifest | null {
  const stored = image.manifestDigest ? archive.layout?.manifests.get(image.manifestDigest) : undefined;
  if (!stored || !image.layers.every((l) => travelsAsStored(l, compression))) return null;
  if (stored.json?.config?.digest !== image.config.digest) return null;
  const layers: unknown[] = Array.isArray(stored.json.layers) ? stored.json.layers : [];
  if (layers.length !== image.layers.length) return null;
  return image.layers.every((l, i) => storedDigest(l) !== null && (layers[i] as { digest?: unknown } | null)?.digest === storedDigest(l)) ? stored : null;
}

/** Config and layer descriptors of a manifest (what must be in the repository before it). */
function blobsOf(m: StoredManifest): { digest: string; size: number; urls?: unknown }[] {
  const list = [m.json?.config, ...(Array.isArray(m.json?.layers) ? m.json.layers : [])];
  return list.filter((d): d is { digest: string; size: number } => typeof d?.digest === 'string' && typeof d?.size === 'number');
}

/** The archive's indexes that can go up as they are with this compression. */
export function verbatimIndexes(archive: OpenedArchive, compression: Compression): VerbatimIndex[] {
  const layout = archive.layout;
  if (!layout) return [];
  const out: VerbatimIndex[] = [];
  for (const idx of layout.indexes) {
    const manifest = layout.manifests.get(idx.digest);
    if (!manifest) continue;
    const images: number[] = [];
    const others: StoredManifest[] = [];
    const ok = idx.children.every((d) => {
      const image = archive.images.find((i) => i.manifestDigest === d);
      if (image) {
        images.push(image.index);
        return storedManifestOf(archive, image, compression) !== null;
      }
      // A child the archive lacks (containerd saves only the platforms it pulled) cannot be pushed.
      const child = layout.manifests.get(d);
      if (!child || isIndexType(storedMediaType(child))) return false;
      others.push(child);
      return blobsOf(child).every((b) => b.urls !== undefined || layout.blob(b.digest) !== null);
    });
    if (ok && images.length > 0) out.push({ digest: idx.digest, manifest, images, others });
  }
  return out;
}

/** Blob jobs for the other children of the indexes pushed (their configs and layers, verbatim from the layout). */
export function otherBlobJobs(archive: OpenedArchive, indexes: VerbatimIndex[], signal: AbortSignal): BlobJob[] {
  const jobs = new Map<string, BlobJob>();
  for (const vi of indexes) {
    for (const m of vi.others) {
      for (const b of blobsOf(m)) {
        const source = archive.layout?.blob(b.digest);
        if (!source || jobs.has(b.digest)) continue;
        jobs.set(b.digest, {
          key: b.digest,
          encoding: 'none',
          mode: { kind: 'verbatim', stored: 'none' },
          expectedDiffId: null,
          knownDigest: b.digest,
          sourceSize: source.size,
          open: () => archive.openBlob(source, signal),
          cacheKey: null,
        });
      }
    }
  }
  return [...jobs.values()];
}
