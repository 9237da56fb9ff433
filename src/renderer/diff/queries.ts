/** The diff of two images: pages of changed files per filter (the figures come with every page). */
import { infiniteQueryOptions } from '@tanstack/react-query';
import { sourceKey, type DiffFilesFilter, type ImageDiffPage, type ImageFilesSource } from '../../shared/contents-types';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Changed files per page. */
export const DIFF_PAGE = 2000;

/** Query keys of this feature. */
export const diffKeys = {
  all: ['diff'] as const,
  pair: (a: ImageFilesSource, b: ImageFilesSource) => [...diffKeys.all, sourceKey(a), sourceKey(b)] as const,
  files: (a: ImageFilesSource, b: ImageFilesSource, filter: DiffFilesFilter) => [...diffKeys.pair(a, b), filter] as const,
};

/** Pages of what B changes against A, filtered by kind of change; tags are asked for again after 30 s. */
export const diffQuery = (a: ImageFilesSource, b: ImageFilesSource, filter: DiffFilesFilter) =>
  infiniteQueryOptions({
    queryKey: diffKeys.files(a, b, filter),
    queryFn: ({ pageParam }): Promise<ImageDiffPage> => call(berth().diffImages(a, b, { filter, offset: pageParam, limit: DIFF_PAGE })),
    initialPageParam: 0,
    getNextPageParam: (last: ImageDiffPage) => (last.offset + last.files.length < last.filesTotal ? last.offset + last.files.length : undefined),
    staleTime: 30_000,
    retry: false,
  });
