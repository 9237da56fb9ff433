/**
 * The details already in the cache for a repository, without observing them: observing would
 * fetch every tag's details, and only rendered rows may ask.
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo, useSyncExternalStore } from 'react';
import type { TagDetail } from '../../shared/types';
import { tagKeys } from './queries';

/** Cache events come per row; the table re-sorts at most this often. */
const THROTTLE_MS = 100;

function startsWith(key: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.every((p, i) => key[i] === p);
}

function createStore(qc: QueryClient, id: string, repo: string) {
  const prefix = tagKeys.details(id, repo);
  let snapshot: ReadonlyMap<string, TagDetail> | null = null;
  const collect = () => {
    const map = new Map<string, TagDetail>();
    for (const [key, data] of qc.getQueriesData<TagDetail>({ queryKey: prefix })) {
      if (data) map.set(key[prefix.length] as string, data);
    }
    return map;
  };
  return {
    getSnapshot: () => (snapshot ??= collect()),
    subscribe: (onChange: () => void) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Details may have landed between render and subscribe: recollect once.
      snapshot = null;
      const unsubscribe = qc.getQueryCache().subscribe((event) => {
        if (!startsWith(event.query.queryKey, prefix)) return;
        if (event.type === 'updated' && event.action.type !== 'success' && event.action.type !== 'setState') return;
        if (event.type === 'observerAdded' || event.type === 'observerRemoved' || event.type === 'observerResultsUpdated')
          return;
        if (timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          snapshot = null;
          onChange();
        }, THROTTLE_MS);
      });
      return () => {
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
      };
    },
  };
}

/** Map tag → detail for every detail of `repo` the cache holds, refreshed (throttled) as rows load. */
export function useKnownDetails(id: string, repo: string): ReadonlyMap<string, TagDetail> {
  const qc = useQueryClient();
  const store = useMemo(() => createStore(qc, id, repo), [qc, id, repo]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
