/**
 * The archive reader: opens a `docker save` / OCI archive (plain or gzipped tar), lists its images
 * and streams their blobs. Plain tars are indexed with positioned reads; .tar.gz is spooled once.
 */
export { openArchive } from './open-archive';
export { toArchiveInfo } from './archive-info';
export { detectCompression } from './image-config';
export type { ArchiveImageEntry, ArchiveLayer, BlobSource, OpenArchiveOptions, OpenedArchive } from './types';
