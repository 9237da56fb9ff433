/**
 * Ordering the tags table. By name (the default): natural order, which never changes as details
 * arrive. By created or size: the tags whose value is known, then the others in name order —
 * the table says how many were known when it sorted (see TagsTable).
 */
import { compareNatural } from '../../shared/natural-order';
import type { TagDetail } from '../../shared/types';

/** Sortable columns: created and size only order tags whose details are known. */
export type SortKey = 'name' | 'created' | 'size';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

function valueOf(d: TagDetail | undefined, key: 'created' | 'size'): number | null {
  if (!d) return null;
  if (key === 'size') return d.size;
  const t = d.created ? Date.parse(d.created) : NaN;
  return Number.isNaN(t) ? null : t;
}

/** How many of `tags` a size or date sort can place (their value is known). */
export function knownFor(tags: readonly string[], details: ReadonlyMap<string, TagDetail>, key: 'created' | 'size'): number {
  return tags.reduce((n, t) => (valueOf(details.get(t), key) === null ? n : n + 1), 0);
}

/**
 * Orders tags. By name: natural order. By created or size: tags with a known value first (ties
 * by digest, so tags of one image stay together, then by name), the others after in name order.
 */
export function sortTags(tags: readonly string[], details: ReadonlyMap<string, TagDetail>, sort: Sort): string[] {
  const byName = [...tags].sort(compareNatural);
  if (sort.key === 'name') return sort.dir === 'desc' ? byName.reverse() : byName;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const key = sort.key;
  const known: string[] = [];
  const unknown: string[] = [];
  for (const tag of byName) (valueOf(details.get(tag), key) === null ? unknown : known).push(tag);
  known.sort((a, b) => {
    const va = valueOf(details.get(a), key)!;
    const vb = valueOf(details.get(b), key)!;
    if (va !== vb) return (va - vb) * sign;
    const da = details.get(a)!.digest;
    const db = details.get(b)!.digest;
    if (da !== db) return da < db ? -1 : 1;
    return compareNatural(a, b);
  });
  return [...known, ...unknown];
}

/** How many tags point at each digest (for the "2 tags" badge), over every tag → digest known. */
export function digestCounts(digests: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const digest of digests.values()) counts.set(digest, (counts.get(digest) ?? 0) + 1);
  return counts;
}
