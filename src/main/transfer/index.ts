/** Moving images out of a registry: save to a tarball, copy between repositories and registries, retag. */
export { saveImage, type SaveOptions, type SaveResult } from './save';
export { copyImage, retag, type CopyOptions, type CopyResult, type CopyTarget } from './copy';
export { resolveGraph, parsePlatform, platformMatches, type ImageGraph, type GraphManifest, type GraphBlob, type PlatformChoice } from './graph';
export { copyBlob, type BlobCopyContext, type BlobOutcome } from './blob-copy';
export { TransferTracker, transferCancelled, type TransferProgress } from './progress';
export { archiveName, fallbackIndexesFor, type ArchiveName } from './layout';
export { TarWriter, tarHeader } from './tar-writer';
