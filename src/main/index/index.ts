/** The registry index's public surface: open, build, refresh, observe, figures and search. */
export { IndexStore, RegistryIndex, folderName } from './registry-index';
export { buildIndex, type BuildOptions, type BuildProgress, type BuildResult } from './build';
export { observeTagList, observeTagDigest, observeTagDetail, observeManifest, observeConfig, observeSummary } from './observe';
export { refreshRepository, MAX_TAGS_PER_REPOSITORY, type RefreshResult } from './refresh';
export { BackgroundLane, retryAfterMs, type LaneOptions, type LanePause } from './lane';
export { storageFigures, reclaim, tagReclaims, type StorageFigures, type RepositoryFigures, type ReclaimFigure, type SelectionItem } from './figures';
export { searchIndex, type SearchHit, type SearchResult } from './search';
export { parseQuery, type ParsedQuery } from './query';
export type { IndexedManifest, IndexedRepository, IndexedTag } from './views';
