/** The contents engine's public surface: layer file indexes, merged filesystems, file reads, saves and diffs. */
export { ContentsEngine, ImageFiles, IMAGE_FILES, mergedKey, type OpenImageOptions, type OpenProgress } from './engine';
export { registryImage, archiveImage, pickArchiveImage, type ImageSource, type RegistryImageOptions } from './image-source';
export { LayerIndexer, LAYER_FILES, type LayerProgress, type IndexOptions, type IndexerLimits } from './layer-indexer';
export { LayerIndex, type LayerEntry, type LayerIndexMeta } from './layer-index';
export type { LayerRef } from './layer-source';
export { readText, openFile, resolvePath, type TextView } from './files-out';
export { saveToDisk, type SaveProgress, type SaveResult } from './save';
export { diffImages, summaryLine, formatBytes, type ImageDiff, type FileChange, type DiffTotals } from './diff';
export type { ConfigChange, HistoryRow, LayerRow, PrefixDiff } from './config-diff';
export { compileGlob } from './glob';
export type { KindName } from './entry-kinds';
export type * from './types';
export { openDownload, type ImageDownload } from './tar-out';
