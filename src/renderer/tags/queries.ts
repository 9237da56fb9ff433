/** Tags of a repository: the list (every page), one detail query per rendered row, and every tag's digest from the registry index. */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { RegistryId, TagDetail } from '../../shared/types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';
import { abortableDelay, currentDwell, detailLimiter } from './detail-limiter';

/** Query keys of this feature; `tagKeys.repo(id, repo)` covers the list and every detail. */
export const tagKeys = {
  all: ['tags'] as const,
  ofRegistry: (id: RegistryId) => [...tagKeys.all, id] as const,
  repo: (id: RegistryId, repo: string) => [...tagKeys.ofRegistry(id), repo] as const,
  list: (id: RegistryId, repo: string) => [...tagKeys.repo(id, repo), 'list'] as const,
  details: (id: RegistryId, repo: string) => [...tagKeys.repo(id, repo), 'detail'] as const,
  detail: (id: RegistryId, repo: string, tag: string) => [...tagKeys.details(id, repo), tag] as const,
  digests: (id: RegistryId, repo: string) => [...tagKeys.repo(id, repo), 'digests'] as const,
};

/** Distribution's maximum page: 1,000 tags arrive in one request. */
export const TAG_PAGE_SIZE = 1000;

/** The tag list, page by page; the table renders the first page and fetches the rest at once. */
export const tagsQuery = (id: RegistryId, repo: string) =>
  infiniteQueryOptions({
    queryKey: tagKeys.list(id, repo),
    queryFn: ({ pageParam }) => call(berth().listTags(id, repo, { n: TAG_PAGE_SIZE, last: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next ?? undefined,
    select: (data) => data.pages.flatMap((p) => p.tags),
  });

/**
 * One row's details (manifest + config), through the shared limiter. The query is observed only
 * while its row is rendered; when the row unmounts the query cancels, its signal aborts, and a
 * request still queued is dropped. A request already sent still lands in the cache.
 */
export const tagDetailQuery = (id: RegistryId, repo: string, tag: string) =>
  queryOptions({
    queryKey: tagKeys.detail(id, repo, tag),
    queryFn: async ({ signal, client, queryKey }): Promise<TagDetail> => {
      const dwell = currentDwell();
      if (dwell > 0) await abortableDelay(dwell, signal);
      const pending = detailLimiter.run(() => call(berth().getTagDetail(id, repo, tag)), signal);
      // Cancelled queries discard their result; keep a sent request's answer for when the row returns.
      void pending.then(
        (detail) => {
          if (signal.aborted) client.setQueryData(queryKey, detail);
        },
        () => undefined,
      );
      return pending;
    },
    staleTime: 5 * 60_000,
  });

/**
 * Every tag → digest the registry index knows for the repository (the shared-digest badge is
 * right for the whole repository with it). When the index has not read the repository yet it
 * does so in the background and says `refreshing`; `index:repository` then refetches this.
 */
export const tagDigestsQuery = (id: RegistryId, repo: string) =>
  queryOptions({
    queryKey: tagKeys.digests(id, repo),
    queryFn: () => call(berth().getTagDigests(id, repo)),
    staleTime: 60_000,
    // Without the index the table still has the digests of the rows it loaded: no retry storm.
    retry: false,
  });
