/**
 * Tag → digest for the whole repository, as far as Berth knows it: every detail loaded so far,
 * over what the registry index knows (`indexed`, every tag once the index has read the
 * repository). The shared-digest badge and the "digests known for N of M tags" line use it, so
 * they are right for the whole repository, not only for the rows on screen.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { TagDetail } from '../../shared/types';
import { berth } from '../app/berth';
import { tagDigestsQuery, tagKeys } from './queries';

/**
 * The index's tag → digest map for the repository (undefined until it answers, or without an
 * index), and whether it is reading the repository in the background right now.
 */
export function useIndexedDigests(id: string, repo: string): { indexed: ReadonlyMap<string, string> | undefined; refreshing: boolean } {
  const qc = useQueryClient();
  const query = useQuery(tagDigestsQuery(id, repo));
  useEffect(
    () =>
      berth().on('index:repository', (e) => {
        if (e.registryId === id && e.repository === repo) void qc.invalidateQueries({ queryKey: tagKeys.digests(id, repo) });
      }),
    [qc, id, repo],
  );
  const indexed = useMemo(() => (query.data ? new Map(Object.entries(query.data.digests)) : undefined), [query.data]);
  return { indexed, refreshing: !!query.data?.refreshing };
}

/** The merged map and how many of `tags` it covers. */
export function useTagDigests(
  tags: readonly string[] | undefined,
  details: ReadonlyMap<string, TagDetail>,
  indexed: ReadonlyMap<string, string> | undefined,
): { digests: ReadonlyMap<string, string>; known: number } {
  return useMemo(() => {
    const digests = new Map<string, string>();
    const listed = new Set(tags ?? []);
    // Only tags still listed count: the index may hold a tag deleted since it read the repository.
    for (const [tag, digest] of indexed ?? []) if (listed.has(tag)) digests.set(tag, digest);
    // A detail is newer than the index's read: it wins.
    for (const [tag, d] of details) if (listed.has(tag)) digests.set(tag, d.digest);
    return { digests, known: digests.size };
  }, [tags, details, indexed]);
}
