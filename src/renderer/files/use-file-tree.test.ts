import { describe, expect, it } from 'vitest';
import type { DirListing, FileNode } from '../../shared/contents-types';
import { flattenTree, type TreeRow } from './use-file-tree';
import { treeFilter } from './filter';

function node(path: string, kind: 'dir' | 'file', children = 0): FileNode {
  return {
    path,
    name: path.split('/').pop()!,
    kind,
    size: 1,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    link: null,
    addedIn: 0,
    changedIn: [],
    removedIn: null,
    removed: false,
    implicit: false,
    brokenLink: false,
    children,
    status: 'unchanged',
  };
}

/** Folder pages by `path` and page index, as the list queries would answer them. */
const pagesOf = (all: Record<string, FileNode[]>, pageSize: number, pagedOnly?: string) => (path: string, index: number) => {
  const entries = all[path];
  const size = pagedOnly === undefined || path === pagedOnly ? pageSize : 100;
  if (!entries) return {};
  const listing: DirListing = { path, total: entries.length, offset: index * size, entries: entries.slice(index * size, (index + 1) * size) };
  return { data: listing };
};

const show = (rows: TreeRow[]) => rows.map((r) => (r.kind === 'node' ? `${r.level}:${r.node.path}${r.expanded ? '/' : ''}` : `${r.level}:${r.kind}:${r.path}`));

describe('flattenTree', () => {
  const tree = {
    '': [node('etc', 'dir', 2), node('usr', 'dir', 1), node('z', 'file')],
    etc: [node('etc/a', 'file'), node('etc/b', 'file')],
    usr: [node('usr/bin', 'dir', 3)],
    'usr/bin': [node('usr/bin/x', 'file'), node('usr/bin/y', 'file'), node('usr/bin/z', 'file')],
  };

  it('lists only the expanded folders, children right below their folder, one level deeper', () => {
    expect(show(flattenTree(pagesOf(tree, 100), () => 1, new Set()))).toEqual(['1:etc', '1:usr', '1:z']);
    const rows = flattenTree(pagesOf(tree, 100), () => 1, new Set(['etc', 'usr', 'usr/bin']));
    expect(show(rows)).toEqual(['1:etc/', '2:etc/a', '2:etc/b', '1:usr/', '2:usr/bin/', '3:usr/bin/x', '3:usr/bin/y', '3:usr/bin/z', '1:z']);
    expect(rows[2]).toMatchObject({ posinset: 2, setsize: 2 });
  });

  it('asks for "show more" after the pages loaded, and continues the list with the next page', () => {
    const open = new Set(['usr', 'usr/bin']);
    expect(show(flattenTree(pagesOf(tree, 2, 'usr/bin'), () => 1, open))).toEqual(['1:etc', '1:usr/', '2:usr/bin/', '3:usr/bin/x', '3:usr/bin/y', '3:more:usr/bin', '1:z']);
    const rows = flattenTree(pagesOf(tree, 2, 'usr/bin'), (p) => (p === 'usr/bin' ? 2 : 1), open);
    expect(show(rows)).toEqual(['1:etc', '1:usr/', '2:usr/bin/', '3:usr/bin/x', '3:usr/bin/y', '3:usr/bin/z', '1:z']);
    expect(rows[5]).toMatchObject({ posinset: 3, setsize: 3 });
  });

  it('shows a folder still loading or failed in its place, and a folder without children as closed', () => {
    const failing = (path: string, index: number) => (path === 'usr' ? { error: new Error('boom') } : path === 'etc' ? {} : pagesOf(tree, 100)(path, index));
    expect(show(flattenTree(failing, () => 1, new Set(['etc', 'usr'])))).toEqual(['1:etc/', '2:loading:etc', '1:usr/', '2:error:usr', '1:z']);
    const empty = { '': [node('var', 'dir', 0)] };
    expect(flattenTree(pagesOf(empty, 100), () => 1, new Set(['var']))).toMatchObject([{ kind: 'node', expanded: false }]);
  });
});

describe('treeFilter', () => {
  it('maps the layer and status choices to the engine’s filter', () => {
    expect(treeFilter(null, 'all')).toEqual({});
    expect(treeFilter(2, 'all')).toEqual({ layer: 2 });
    expect(treeFilter(0, 'removed')).toEqual({ layer: 0, show: ['removed'] });
  });
});
