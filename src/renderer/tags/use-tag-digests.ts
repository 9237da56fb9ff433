/**
 * Tag → digest for the whole repository, as far as Berth knows it: every detail loaded so far,
 * over what the registry index knows (`indexed`, every tag once the index has read the
 * repository). The shared-digest badge and the "digests known for N of M tags" line use it, so
 * they are right for the whole repository, not only for the rows on screen.
 */
import { useMemo } from 'react';
import type { TagDetail } from '../../shared/types';

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
