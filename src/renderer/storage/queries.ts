/**
 * The registry index as the screens read it: status, storage figures, one repository's rows,
 * exact reclaim estimates and tag digests. `useIndexEvents` (mounted once) keeps them current:
 * `index:progress` writes the status into the cache, `index:repository` and the end of a build
 * invalidate what they changed — events update the cache, they do not poll.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { IndexStatus, ReclaimItem } from '../../shared/index-types';
import type { RegistryId } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Least time between two refreshes of the figures while a build runs. */
const BUILD_REFRESH_MS = 5000;

/** Query keys of this feature; `indexKeys.registry(id)` covers everything of one registry's index. */
export const indexKeys = {
  all: ['index'] as const,
  registry: (id: RegistryId) => [...indexKeys.all, id] as const,
  status: (id: RegistryId) => [...indexKeys.registry(id), 'status'] as const,
  storage: (id: RegistryId) => [...indexKeys.registry(id), 'storage'] as const,
  repository: (id: RegistryId, repo: string) => [...indexKeys.registry(id), 'repository', repo] as const,
  tagDigests: (id: RegistryId, repo: string) => [...indexKeys.registry(id), 'tag-digests', repo] as const,
  reclaim: (id: RegistryId, selection: readonly ReclaimItem[], refresh: boolean) => [...indexKeys.registry(id), 'reclaim', refresh, selection] as const,
  search: (id: RegistryId, query: string) => [...indexKeys.registry(id), 'search', query] as const,
};

/** The build status; kept current by `index:progress`. */
export const indexStatusQuery = (id: RegistryId) =>
  queryOptions({ queryKey: indexKeys.status(id), queryFn: () => call(berth().getIndexStatus(id)), staleTime: Infinity });

/** Registry totals and per-repository figures. */
export const storageQuery = (id: RegistryId) =>
  queryOptions({ queryKey: indexKeys.storage(id), queryFn: () => call(berth().getStorage(id)), staleTime: 60_000 });

/** One repository's tags and untagged manifests with the bytes each frees. */
export const repositoryStorageQuery = (id: RegistryId, repo: string) =>
  queryOptions({ queryKey: indexKeys.repository(id, repo), queryFn: () => call(berth().getRepositoryStorage(id, repo)), staleTime: 60_000 });

/** Every tag's digest the index knows for `repo` (the repository is read in the background when needed). */
export const tagDigestsQuery = (id: RegistryId, repo: string) =>
  queryOptions({ queryKey: indexKeys.tagDigests(id, repo), queryFn: () => call(berth().getTagDigests(id, repo)), staleTime: 60_000 });

/** Exact bytes freed by deleting `selection`; with `refresh`, out-of-date repositories are read first. */
export const reclaimQuery = (id: RegistryId, selection: readonly ReclaimItem[], refresh: boolean) =>
  queryOptions({
    queryKey: indexKeys.reclaim(id, selection, refresh),
    queryFn: () => call(berth().estimateReclaim(id, [...selection], { refresh })),
    staleTime: 0,
    gcTime: 30_000,
    retry: false,
  });

/** Search results for `query` (empty queries are not sent). */
export const searchQuery = (id: RegistryId, query: string) =>
  queryOptions({ queryKey: indexKeys.search(id, query), queryFn: () => call(berth().searchIndex(id, query, { limit: 200 })), staleTime: 10_000, retry: false });

/** Starts, resumes (or with `restart`, rebuilds) and cancels index builds. */
export function useIndexControls(id: RegistryId) {
  const qc = useQueryClient();
  const onStatus = (s: IndexStatus) => qc.setQueryData(indexKeys.status(id), s);
  const start = useMutation({ mutationFn: (restart: boolean) => call(berth().startIndex(id, { restart })), onSuccess: onStatus });
  const cancel = useMutation({ mutationFn: () => call(berth().cancelIndex(id)), onSuccess: onStatus });
  return { start, cancel };
}

/** Subscribes once to the index events and keeps the queries above current. */
export function useIndexEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    // While a build runs the figures grow: refresh them every few seconds, and once more when it ends.
    const lastRefresh = new Map<RegistryId, number>();
    const offProgress = berth().on('index:progress', (s) => {
      const before = qc.getQueryData<IndexStatus>(indexKeys.status(s.registryId));
      qc.setQueryData(indexKeys.status(s.registryId), s);
      const now = Date.now();
      const ended = s.state !== 'building' && before?.state === 'building';
      if (!ended && now - (lastRefresh.get(s.registryId) ?? 0) < BUILD_REFRESH_MS) return;
      lastRefresh.set(s.registryId, now);
      void qc.invalidateQueries({ queryKey: indexKeys.registry(s.registryId), predicate: (q) => q.queryKey[2] !== 'status' });
    });
    const offRepository = berth().on('index:repository', (e) => {
      void qc.invalidateQueries({ queryKey: indexKeys.repository(e.registryId, e.repository) });
      void qc.invalidateQueries({ queryKey: indexKeys.tagDigests(e.registryId, e.repository) });
      void qc.invalidateQueries({ queryKey: indexKeys.storage(e.registryId) });
    });
    const offResync = berth().onResync?.(() => void qc.invalidateQueries({ queryKey: indexKeys.all }));
    return () => {
      offProgress();
      offRepository();
      offResync?.();
    };
  }, [qc]);
}
