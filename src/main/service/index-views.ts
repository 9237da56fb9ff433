/**
 * What the contract and the CLI say about a registry index, computed from the engine's index
 * (src/main/index): its key, how fresh a repository's part is, how much of the registry the
 * figures cover, and the storage rows of one repository. Pure functions of the index; the
 * service (index-service.ts) and `berth du|find|rm --dry-run` share them.
 */
import type { IndexCoverage, IndexProgress, IndexState, IndexStatus, RepositoryStorageDetail, StorageRow } from '../../shared/index-types';
import type { RegistryId } from '../../shared/types';
import { reclaim, storageFigures, tagReclaims, type BuildProgress, type RegistryIndex, type StorageFigures } from '../index/index';
import type { RegistryConfig } from '../registry/types';
import { displayCreated, displaySize, topLevelUntagged } from '../index/views';

/** A repository read longer ago than this is refreshed before an exact figure is given for it. */
export const REPOSITORY_FRESH_MS = 5 * 60_000;

/**
 * The index a registry's figures live in: its origin and the user (what a user may see can
 * differ). The same for the app and the CLI, so both share one index in the cache folder; an
 * edited registry address gets the index of its new origin, never the old one's.
 */
export function indexKey(config: Pick<RegistryConfig, 'baseUrl' | 'username'>): string {
  return config.username ? `${config.baseUrl}#${config.username}` : config.baseUrl;
}

const iso = (ms: number | null | undefined): string | null => (ms && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null);

/** True when `repository`'s part of the index must be read again before it is trusted. */
export function repositoryIsStale(index: RegistryIndex, repository: string, now = Date.now()): boolean {
  const r = index.model.repo(repository);
  return !r || r.refreshedAt === 0 || r.stale || now - r.refreshedAt > REPOSITORY_FRESH_MS;
}

/** The oldest read among the indexed repositories: the time every figure is true as of. */
export function indexAsOf(index: RegistryIndex): string | null {
  let oldest = Infinity;
  for (const r of index.model.repos.values()) if (r.refreshedAt > 0 && r.refreshedAt < oldest) oldest = r.refreshedAt;
  return Number.isFinite(oldest) ? iso(oldest) : null;
}

/** How much of the registry the figures cover. */
export function indexCoverage(index: RegistryIndex, scope: 'catalog' | 'pinned'): IndexCoverage {
  if (scope === 'pinned') return 'pinned';
  return index.model.build.finishedAt ? 'full' : 'partial';
}

/** The state of an index that no build of this process is running. */
export function restingState(index: RegistryIndex, failed: boolean): IndexState {
  if (index.model.build.running) return failed ? 'failed' : 'interrupted';
  return index.model.build.finishedAt ? 'ready' : 'none';
}

/** The contract's form of a build's progress. */
export function toIndexProgress(p: BuildProgress): IndexProgress {
  return {
    phase: p.phase,
    repositoriesDone: p.repositoriesDone,
    repositoriesTotal: p.repositoriesTotal,
    requests: p.requests,
    requestsPerSecond: Math.round(p.requestsPerSecond * 10) / 10,
    etaSeconds: p.etaSeconds,
    paused: p.paused ? { until: new Date(p.paused.until).toISOString(), reason: p.paused.reason } : null,
    failed: p.failed,
  };
}

/** Everything of an IndexStatus the index itself tells. */
export function describeIndex(
  registryId: RegistryId,
  index: RegistryIndex,
  run: Pick<IndexStatus, 'state' | 'scope' | 'progress' | 'error' | 'failures'>,
): IndexStatus {
  let tags = 0;
  for (const r of index.model.repos.values()) tags += r.tags.size;
  const b = index.model.build;
  return {
    registryId,
    ...run,
    repositories: index.model.repos.size,
    tags,
    builtAt: iso(b.finishedAt),
    startedAt: iso(b.startedAt),
    asOf: indexAsOf(index),
  };
}

const figureCache = new WeakMap<RegistryIndex, { version: number; figures: StorageFigures }>();

/** storageFigures, computed once per index version (the storage view and the repository list both ask). */
export function cachedStorageFigures(index: RegistryIndex): StorageFigures {
  const hit = figureCache.get(index);
  if (hit && hit.version === index.version) return hit.figures;
  const figures = storageFigures(index);
  figureCache.set(index, { version: index.version, figures });
  return figures;
}

/** A repository's tags and untagged manifests, each with the bytes deleting it alone frees. */
export function repositoryDetail(index: RegistryIndex, repository: string, scope: 'catalog' | 'pinned'): RepositoryStorageDetail {
  const model = index.model;
  const r = model.repo(repository);
  const row = (tag: string | null, digest: string, freedBytes: number, withTags: string[]): StorageRow => {
    const rec = model.records.get(model.digests.id(digest));
    const size = rec ? displaySize(model, rec) : NaN;
    const created = rec ? displayCreated(model, rec) : NaN;
    return {
      tag,
      digest,
      kind: rec?.kind ?? null,
      size: Number.isFinite(size) ? size : null,
      created: Number.isFinite(created) ? new Date(created).toISOString() : null,
      freedBytes,
      withTags,
    };
  };
  const tags = tagReclaims(index, repository).map((t) => row(t.tag, t.digest, t.freedBytes, t.withTags));
  const untagged = r
    ? topLevelUntagged(model, r).map((d) => {
        const digest = model.digests.name(d);
        return row(null, digest, reclaim(index, [{ repository, digest }]).freedBytes, []);
      })
    : [];
  return {
    repository,
    figures: cachedStorageFigures(index).repositories.find((f) => f.repository === repository) ?? null,
    tags,
    untagged,
    refreshedAt: iso(r?.refreshedAt),
    stale: repositoryIsStale(index, repository),
    error: r?.error ?? null,
    coverage: indexCoverage(index, scope),
    asOf: indexAsOf(index),
  };
}
