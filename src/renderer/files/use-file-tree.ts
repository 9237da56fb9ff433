/**
 * The file tree as a flat list of visible rows: the folders the user expanded, a page of a
 * thousand entries at a time (each page its own cached query), and "show more" where a folder has
 * more. Only expanded folders are ever fetched, so a 200,000-file image costs what is on screen.
 */
import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { DirListing, FileNode, ImageFilesSource, TreeFilter } from '../../shared/contents-types';
import { LIST_PAGE, listQuery } from './queries';

/** One visible row: an entry, a folder page still loading or failed, or "show more". */
export type TreeRow =
  | { kind: 'node'; node: FileNode; level: number; posinset: number; setsize: number; expanded: boolean | null }
  | { kind: 'loading'; path: string; level: number }
  | { kind: 'error'; path: string; level: number; error: unknown }
  | { kind: 'more'; path: string; level: number; left: number };

/** Builds the visible rows from the pages at hand (pure, for tests). */
export function flattenTree(
  page: (path: string, index: number) => { data?: DirListing; error?: unknown },
  pages: (path: string) => number,
  expanded: ReadonlySet<string>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  // Explicit stack: images nest folders deeper than the call stack likes.
  const stack: { path: string; level: number; page: number; i: number }[] = [{ path: '', level: 1, page: 0, i: 0 }];
  while (stack.length) {
    const f = stack[stack.length - 1];
    const got = page(f.path, f.page);
    if (!got.data) {
      rows.push(got.error ? { kind: 'error', path: f.path, level: f.level, error: got.error } : { kind: 'loading', path: f.path, level: f.level });
      stack.pop();
      continue;
    }
    const listing = got.data;
    if (f.i >= listing.entries.length) {
      const loaded = listing.offset + listing.entries.length;
      if (f.page + 1 < pages(f.path) && loaded < listing.total) {
        f.page++;
        f.i = 0;
      } else {
        if (loaded < listing.total) rows.push({ kind: 'more', path: f.path, level: f.level, left: listing.total - loaded });
        stack.pop();
      }
      continue;
    }
    const node = listing.entries[f.i];
    const posinset = listing.offset + f.i + 1;
    f.i++;
    const isDir = node.kind === 'dir';
    const open = isDir && expanded.has(node.path);
    rows.push({ kind: 'node', node, level: f.level, posinset, setsize: listing.total, expanded: isDir ? open && node.children > 0 : null });
    if (open && node.children > 0) stack.push({ path: node.path, level: f.level + 1, page: 0, i: 0 });
  }
  return rows;
}

/** The tree of `source` through `filter`: rows, and what changes them. */
export function useFileTree(source: ImageFilesSource, filter: TreeFilter, enabled: boolean) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [pageCounts, setPageCounts] = useState<ReadonlyMap<string, number>>(() => new Map());
  const pages = useCallback((path: string) => pageCounts.get(path) ?? 1, [pageCounts]);
  const wanted = useMemo(() => {
    const out: { path: string; index: number }[] = [];
    for (const path of ['', ...expanded]) for (let i = 0; i < pages(path); i++) out.push({ path, index: i });
    return out;
  }, [expanded, pages]);
  const results = useQueries({ queries: wanted.map((w) => ({ ...listQuery(source, w.path, filter, w.index * LIST_PAGE), enabled })) });
  const rows = useMemo(() => {
    const at = new Map(wanted.map((w, i) => [`${w.index}\0${w.path}`, results[i]]));
    return flattenTree((path, index) => {
      const r = at.get(`${index}\0${path}`);
      return { data: r?.data, error: r?.error ?? undefined };
    }, pages, expanded);
  }, [wanted, results, pages, expanded]);

  const toggle = useCallback((path: string, open?: boolean) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (open ?? !prev.has(path)) next.add(path);
      else for (const p of prev) if (p === path || p.startsWith(`${path}/`)) next.delete(p);
      return next;
    });
  }, []);
  const more = useCallback((path: string) => setPageCounts((prev) => new Map(prev).set(path, (prev.get(path) ?? 1) + 1)), []);
  return { rows, toggle, more, expanded };
}
