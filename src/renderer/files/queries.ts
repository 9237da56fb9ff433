/**
 * Files inside an image: the opened image's figures, folder pages, searches, the biggest files
 * and the text view, keyed by the source's key; `contents:progress` events go straight into the
 * cache (they never trigger a refetch).
 */
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { sourceKey, type ContentsProgress, type ImageFilesInfo, type ImageFilesSource, type ListFilesOptions, type TreeFilter } from '../../shared/contents-types';
import { isValidDigest } from '../../shared/reference';
import { berth } from '../app/berth';
import { call } from '../app/unwrap';

/** Query keys of this feature; everything about one image sits under `filesKeys.image(key)`. */
export const filesKeys = {
  all: ['files'] as const,
  image: (key: string) => [...filesKeys.all, key] as const,
  open: (key: string, mode: 'cached' | 'open') => [...filesKeys.image(key), 'open', mode] as const,
  progress: (key: string) => [...filesKeys.image(key), 'progress'] as const,
  list: (key: string, path: string, filter: TreeFilter, offset: number) => [...filesKeys.image(key), 'list', path, filter, offset] as const,
  find: (key: string, glob: string, filter: TreeFilter) => [...filesKeys.image(key), 'find', glob, filter] as const,
  biggest: (key: string, filter: TreeFilter) => [...filesKeys.image(key), 'biggest', filter] as const,
  text: (key: string, path: string) => [...filesKeys.image(key), 'text', path] as const,
};

/** A tag may move; a digest or a dropped archive's image never changes. */
const staleFor = (s: ImageFilesSource) => ('fileHandle' in s || isValidDigest(s.reference) ? Infinity : 30_000);

/** The image's files if they are indexed already (reads no layer), else null. */
export const cachedFilesQuery = (source: ImageFilesSource) =>
  queryOptions({
    queryKey: filesKeys.open(sourceKey(source), 'cached'),
    queryFn: (): Promise<ImageFilesInfo | null> => call(berth().openImageFiles(source, { ifCached: true })),
    staleTime: staleFor(source),
  });

/** Opens the image's files, indexing the layers not indexed yet (progress: `useContentsProgress`). */
export const openFilesQuery = (source: ImageFilesSource) =>
  queryOptions({
    queryKey: filesKeys.open(sourceKey(source), 'open'),
    queryFn: (): Promise<ImageFilesInfo | null> => call(berth().openImageFiles(source)),
    staleTime: staleFor(source),
    retry: false,
  });

/** Entries of a folder per page. */
export const LIST_PAGE = 1000;

/** One page of one folder through a filter. */
export const listQuery = (source: ImageFilesSource, path: string, filter: TreeFilter, offset: number) =>
  queryOptions({
    queryKey: filesKeys.list(sourceKey(source), path, filter, offset),
    queryFn: () => call(berth().listImageFiles(source, path, { ...filter, offset, limit: LIST_PAGE } satisfies ListFilesOptions)),
    staleTime: Infinity,
  });

/** Paths matching a glob across the image. */
export const findQuery = (source: ImageFilesSource, glob: string, filter: TreeFilter) =>
  queryOptions({
    queryKey: filesKeys.find(sourceKey(source), glob, filter),
    queryFn: () => call(berth().findImageFiles(source, glob, { ...filter, limit: 1000 })),
    staleTime: Infinity,
    retry: false,
  });

/** The hundred biggest files. */
export const biggestQuery = (source: ImageFilesSource, filter: TreeFilter) =>
  queryOptions({
    queryKey: filesKeys.biggest(sourceKey(source), filter),
    queryFn: () => call(berth().biggestImageFiles(source, { ...filter, limit: 100 })),
    staleTime: Infinity,
  });

/** A file's text (capped) or that it is binary. */
export const textQuery = (source: ImageFilesSource, path: string) =>
  queryOptions({
    queryKey: filesKeys.text(sourceKey(source), path),
    queryFn: () => call(berth().readImageFile(source, path)),
    staleTime: Infinity,
    retry: false,
  });

/** Keeps the latest `contents:progress` of every image in the cache (mounted once per screen that opens images). */
export function useContentsProgressEvents(): void {
  const qc = useQueryClient();
  useEffect(() => berth().on('contents:progress', (p) => qc.setQueryData(filesKeys.progress(p.key), p)), [qc]);
}

/** The latest progress of opening `source`, from the cache. */
export function useContentsProgress(source: ImageFilesSource): ContentsProgress | undefined {
  return useQuery({
    queryKey: filesKeys.progress(sourceKey(source)),
    queryFn: (): ContentsProgress | null => null,
    enabled: false,
    staleTime: Infinity,
  }).data ?? undefined;
}
