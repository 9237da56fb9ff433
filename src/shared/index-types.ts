/**
 * Data types of the registry index contract (issue 11): build status and progress, storage
 * figures, exact reclaim estimates, search. JSON-serialisable like types.ts. Byte figures are
 * registry-wide in the sense of `registry garbage-collect` (without --delete-untagged): a blob is
 * freed only when no manifest stored in any repository references it any more.
 */
import type { WireError } from './errors';
import type { RegistryId } from './connection-types';

/** `none`: never built; `building`: running now; `ready`: the last build finished; `interrupted`: cancelled or cut off, resumes when started; `failed`: stopped on an error, resumes when started. */
export type IndexState = 'none' | 'building' | 'ready' | 'interrupted' | 'failed';

/** Progress of a running build (and the last report of a finished one). */
export interface IndexProgress {
  phase: 'catalog' | 'repositories' | 'done';
  repositoriesDone: number;
  repositoriesTotal: number | null;
  requests: number;
  requestsPerSecond: number;
  etaSeconds: number | null;
  /** Background requests held back (a 429's Retry-After, or Docker Hub's pull budget kept for the screens). */
  paused: { until: string; reason: 'retry-after' | 'rate-limit' } | null;
  /** Repositories that could not be read (they keep their last indexed state). */
  failed: number;
}

/** Where a registry's index stands. */
export interface IndexStatus {
  registryId: RegistryId;
  state: IndexState;
  /** `catalog`: every repository the catalog lists; `pinned`: the pinned repositories (registries without a catalog). */
  scope: 'catalog' | 'pinned';
  progress: IndexProgress | null;
  /** Repositories and tags the index holds now. */
  repositories: number;
  tags: number;
  /** When the last full build finished (ISO 8601). */
  builtAt: string | null;
  /** When the current (or last) build started. */
  startedAt: string | null;
  /** The oldest read among the indexed repositories: every figure is true as of this time. */
  asOf: string | null;
  error: WireError | null;
  /** Repositories the last build could not read (at most 20). */
  failures: { repository: string; message: string }[];
}

/** How much of the registry the figures cover: `full` after a finished build of the catalog; `partial` before; `pinned` for registries without a catalog. */
export type IndexCoverage = 'full' | 'partial' | 'pinned';

/** Tag → digest for one repository, as the index knows it. */
export interface TagDigests {
  repository: string;
  /** Tag → digest, for the tags the index has a digest for. */
  digests: Record<string, string>;
  /** Tags with a known digest, and tags the repository has (null until a whole tag list was seen). */
  known: number;
  total: number | null;
  refreshedAt: string | null;
  /** A background refresh of the repository runs now; `index:repository` says when it is done. */
  refreshing: boolean;
}

/** One repository's share of the registry. */
export interface RepositoryStorage {
  repository: string;
  tags: number;
  untagged: number;
  /** Bytes only this repository references: what deleting it whole frees. */
  ownBytes: number;
  /** Bytes it references that other repositories reference too. */
  sharedBytes: number;
  /** Newest `created` among its tagged images. */
  lastPush: string | null;
  refreshedAt: string | null;
  stale: boolean;
}

/** The registry as stored, per repository. */
export interface RegistryStorage {
  /** Every blob once (layers, configs, manifests). */
  totalStoredBytes: number;
  /** Every tag's size added up (shared layers counted once per tag). */
  naiveTagBytes: number;
  tags: number;
  manifests: number;
  /** Digests whose size the index does not know (totals are lower bounds when > 0). */
  unknownSizes: number;
  repositories: RepositoryStorage[];
  coverage: IndexCoverage;
  status: IndexStatus;
}

/** What the index knows a manifest to be: an image, an index, or anything else (artifact, unreadable). */
export type IndexedKind = 'image' | 'index' | 'other';

/** A tag's or untagged manifest's row in a repository's storage detail. */
export interface StorageRow {
  tag: string | null;
  digest: string;
  kind: IndexedKind | null;
  size: number | null;
  created: string | null;
  /** Bytes freed registry-wide if only this manifest were deleted. */
  freedBytes: number;
  /** The repository's other tags on the same digest (they go with it). */
  withTags: string[];
}

/** One repository's tags and untagged manifests with what deleting each frees. */
export interface RepositoryStorageDetail {
  repository: string;
  figures: RepositoryStorage | null;
  tags: StorageRow[];
  /** Stored manifests no tag reaches (a tag moved or was deleted elsewhere): only Berth's index lists them. */
  untagged: StorageRow[];
  refreshedAt: string | null;
  stale: boolean;
  error: string | null;
  coverage: IndexCoverage;
  asOf: string | null;
}

/** A tag or a digest of a repository, selected for deletion. */
export type ReclaimItem = { repository: string; tag: string } | { repository: string; digest: string };

/** What deleting a selection gives back after garbage collection. */
export interface ReclaimEstimate {
  freedBytes: number;
  /** The manifests deleted (by digest) and the tags of that repository that go with each. */
  manifests: { repository: string; digest: string; tags: string[] }[];
  /** Children of deleted indexes that stay stored, untagged. */
  leftUntagged: { repository: string; digest: string }[];
  /** Freed digests of unknown size (freedBytes is a lower bound when > 0). */
  unknownSizes: number;
  /** Selected items the index does not know. */
  notFound: ReclaimItem[];
  /** Repositories of the selection whose part of the index is out of date (estimate again with `refresh`). */
  staleRepositories: string[];
  /** Repositories refreshed before computing (with `refresh`). */
  refreshed: string[];
  coverage: IndexCoverage;
  asOf: string | null;
}

/** One search result: a tag, or an untagged manifest (`tag` null). */
export interface IndexSearchHit {
  repository: string;
  tag: string | null;
  digest: string;
  kind: IndexedKind | null;
  size: number | null;
  created: string | null;
  platforms: string[];
}

/** Search results in repository, then tag order. */
export interface IndexSearchResult {
  hits: IndexSearchHit[];
  /** Matching rows, beyond the limit too. */
  total: number;
  truncated: boolean;
  /** Time the search itself took in main. */
  tookMs: number;
  state: IndexState;
  asOf: string | null;
}

/** A repository of a registry was read into the index (a refresh or a build). */
export interface IndexRepositoryEvent {
  registryId: RegistryId;
  repository: string;
  refreshedAt: string | null;
}
