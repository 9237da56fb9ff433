/** Ordering the tags table; tags sharing a digest always end up next to each other. */
import type { TagDetail } from '../../shared/types';

/** Sortable columns: created and size only order tags whose details are known. */
export type SortKey = 'name' | 'created' | 'size';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order: `1.9` before `1.10`. */
export const compareNames = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

function valueOf(d: TagDetail | undefined, key: 'created' | 'size'): number | null {
  if (!d) return null;
  if (key === 'size') return d.size;
  const t = d.created ? Date.parse(d.created) : NaN;
  return Number.isNaN(t) ? null : t;
}

/** Pulls every later tag with a known digest up behind the first tag of that digest. */
function keepGroupsAdjacent(ordered: string[], details: ReadonlyMap<string, TagDetail>): string[] {
  const groups = new Map<string, string[]>();
  const out: string[][] = [];
  for (const tag of ordered) {
    const digest = details.get(tag)?.digest;
    if (!digest) {
      out.push([tag]);
      continue;
    }
    const group = groups.get(digest);
    if (group) group.push(tag);
    else {
      const fresh = [tag];
      groups.set(digest, fresh);
      out.push(fresh);
    }
  }
  return out.flat();
}

/**
 * Orders tags. By name: natural order. By created or size: tags with a known value first
 * (ties by digest, then name), tags whose details are not loaded yet after them in name order.
 */
export function sortTags(tags: readonly string[], details: ReadonlyMap<string, TagDetail>, sort: Sort): string[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const byName = [...tags].sort(compareNames);
  if (sort.key === 'name') {
    if (sort.dir === 'desc') byName.reverse();
    return keepGroupsAdjacent(byName, details);
  }
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
    return compareNames(a, b);
  });
  return keepGroupsAdjacent([...known, ...unknown], details);
}

/** How many known tags share each digest (for the "3 tags" badge). */
export function digestCounts(details: ReadonlyMap<string, TagDetail>, tags: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const tag of tags) {
    const digest = details.get(tag)?.digest;
    if (digest) counts.set(digest, (counts.get(digest) ?? 0) + 1);
  }
  return counts;
}
