/**
 * Public types of the archive reader: what `openArchive` finds in a `docker save` / OCI archive.
 * Layers are described, never loaded: their bytes are streamed on demand with `openBlob`.
 */
import type { Readable } from 'node:stream';
import type { Platform } from '../../shared/types';

/** Where the stored bytes of one blob live. */
export interface BlobSource {
  /** Entry name inside the archive (after symlinks are resolved). */
  entry: string;
  /** Byte offset of the data in the plain tar (null when the bytes are spooled elsewhere). */
  offset: number | null;
  size: number;
  /** For .tar.gz: path of the spooled file (absent when a small entry is held in memory). */
  file?: string;
}

/** One layer of an image as found in the archive. */
export interface ArchiveLayer {
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string | null;
  /** By magic bytes, never by name. */
  compression: 'none' | 'gzip' | 'zstd';
  /** sha256 of the stored bytes when known (OCI layout blob name); null otherwise. */
  digest: string | null;
  /** Stored size. */
  size: number;
  /** From an OCI/docker manifest in the archive when present. */
  mediaType: string | null;
  /** Null for foreign layers. */
  source: BlobSource | null;
  /** Foreign (non-distributable) layer listed in LayerSources / the OCI manifest. */
  foreign: { mediaType: string; digest: string; size: number; urls?: string[] } | null;
}

/** One image of the archive: its tags, its verified config and its layers. */
export interface ArchiveImageEntry {
  index: number;
  /** As written in the archive (`app:1` or `docker.io/library/app:1`); empty when untagged. */
  tags: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the config as parsed; callers read what they need
  config: { digest: string; bytes: Buffer; json: any };
  platform: Platform | null;
  created: string | null;
  layers: ArchiveLayer[];
  /** The OCI layout manifest it was read from (its bytes in `OpenedArchive.layout`); absent for legacy archives. */
  manifestDigest?: string | null;
  /** The layout index it was reached through (a multi-platform tag), null when index.json names the image itself. */
  indexDigest?: string | null;
}

/** A manifest as the archive's OCI layout stores it: the exact bytes that give its digest. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, fields checked where used
  json: any;
}

/** What an archive's OCI layout holds besides images: every manifest read, the indexes, blobs by digest. */
export interface ArchiveLayout {
  manifests: Map<string, StoredManifest>;
  /** Every index reached from index.json, with the tags index.json gives it and its children's digests. */
  indexes: { digest: string; tags: string[]; children: string[] }[];
  /** Where a blob of the layout is, by digest; null when the archive does not hold it. */
  blob(digest: string): BlobSource | null;
}

/** An opened archive: the images it holds plus a way to stream any blob of it. */
export interface OpenedArchive {
  path: string;
  format: 'docker-legacy' | 'docker-oci' | 'oci';
  /** The whole archive was gzip-compressed (its entries were spooled to a temp dir). */
  compressed: boolean;
  images: ArchiveImageEntry[];
  /** The OCI layout's manifests (Docker 25+ and OCI archives); null for legacy docker save archives. */
  layout: ArchiveLayout | null;
  /** Stream of the stored bytes of one blob (positioned read of the plain tar, or the spooled copy). */
  openBlob(source: BlobSource, signal?: AbortSignal): Readable;
  /** Removes spooled temp files. */
  close(): Promise<void>;
}

/** Options of `openArchive`. */
export interface OpenArchiveOptions {
  signal?: AbortSignal;
  /** Where a .tar.gz is spooled (default: the app's temp root, see temp-root.ts). */
  tempDir?: string;
  /** Bytes a .tar.gz's spool leaves free on its disk (default 256 MiB). */
  keepFree?: number;
  /** The name the user knows the file by (an upload's temp file has another): used in error messages. */
  displayName?: string;
}
