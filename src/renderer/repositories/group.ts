/** Grouping the catalog by namespace, as flat rows a virtualizer can draw. */
import { compareNatural } from '../../shared/natural-order';

/** A namespace header or a repository, in display order. */
export type RepoRow =
  | { kind: 'group'; namespace: string; count: number; collapsed: boolean }
  | { kind: 'repo'; name: string; leaf: string; namespace: string };

/** The namespace of `a/b/c` is `a/b`; a top-level `c` has namespace `''`. */
export function namespaceOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/**
 * Filters (case-insensitive substring over the full name), groups by namespace (natural order, top
 * level first; repositories in natural order inside) and flattens; collapsed groups keep their
 * header and count but hide their rows.
 */
export function groupRepositories(names: readonly string[], filter: string, collapsed: ReadonlySet<string>): RepoRow[] {
  const needle = filter.trim().toLowerCase();
  const groups = new Map<string, string[]>();
  for (const name of names) {
    if (needle && !name.toLowerCase().includes(needle)) continue;
    const ns = namespaceOf(name);
    let list = groups.get(ns);
    if (!list) groups.set(ns, (list = []));
    list.push(name);
  }
  const rows: RepoRow[] = [];
  for (const ns of [...groups.keys()].sort(compareNatural)) {
    const list = groups.get(ns)!.sort(compareNatural);
    const isCollapsed = collapsed.has(ns);
    rows.push({ kind: 'group', namespace: ns, count: list.length, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (const name of list) rows.push({ kind: 'repo', name, leaf: ns ? name.slice(ns.length + 1) : name, namespace: ns });
  }
  return rows;
}
