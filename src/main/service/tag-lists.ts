/**
 * Whole tag lists put together from the pages the screens read (`listTags` with `last` cursors),
 * so the index can learn from a complete list for free (tags deleted elsewhere lose their digest)
 * and `getTagDigests` can say how many tags a repository has. Bounded: a few hundred lists, and a
 * list longer than the index reads per repository is dropped.
 */
import type { PageOptions } from '../../shared/api';
import type { TagsPage } from '../../shared/types';
import { MAX_TAGS_PER_REPOSITORY } from '../index/index';

const MAX_LISTS = 256;

/** Pages in flight and the last complete count per (registry, repository). */
export class TagListTracker {
  private readonly partial = new Map<string, { tags: string[]; next: string }>();
  private readonly totals = new Map<string, number>();

  /** Records one page; returns the whole list when this page completes one that started at the first page. */
  page(key: string, page: PageOptions | undefined, result: TagsPage): string[] | null {
    let tags: string[];
    if (page?.last === undefined) tags = [];
    else {
      const open = this.partial.get(key);
      if (!open || open.next !== page.last) return null;
      tags = open.tags;
    }
    this.partial.delete(key);
    tags = tags.concat(result.tags);
    if (tags.length > MAX_TAGS_PER_REPOSITORY) return null;
    if (result.next === null) {
      remember(this.totals, key, tags.length);
      return tags;
    }
    remember(this.partial, key, { tags, next: result.next });
    return null;
  }

  /** Tags the repository had when its whole list was last read, or null. */
  total(key: string): number | null {
    return this.totals.get(key) ?? null;
  }

  /** Forgets what was seen (the registry changed under Berth: a delete, a push). */
  forget(key: string): void {
    this.partial.delete(key);
    this.totals.delete(key);
  }
}

/** Sets a key as the newest entry of a bounded map (the oldest goes first). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_LISTS) map.delete(map.keys().next().value!);
}
