/**
 * Questions asked of a merged tree: list a directory (a page at a time), stat a path, search by
 * glob, the biggest files — each through a filter ("changed in layer N", additions, deletions).
 * A filter is one O(n) pass over typed arrays, cached, so paging and expanding are cheap.
 */
import { BerthError } from '../../shared/errors';
import { KIND, KIND_NAMES } from './entry-kinds';
import { compileGlob } from './glob';
import { FLAG, OP } from './merge';
import type { MergedTree } from './merged-tree';
import type { DirListing, FileNode, NodeStatus, TreeFilter } from './types';

const SELF = 1;
const BELOW = 2;
const STATUS_CODE: Record<NodeStatus, number> = { added: 0, changed: 1, removed: 2, unchanged: 3 };
const STATUSES: NodeStatus[] = ['added', 'changed', 'removed', 'unchanged'];

/** Searches and listings over one merged tree. */
export class TreeView {
  private readonly cache = new Map<string, Uint8Array>();

  constructor(readonly tree: MergedTree) {}

  /** Status of node `i` against a layer, or against the image. */
  status(i: number, layer?: number): NodeStatus {
    const t = this.tree;
    const from = t.evOffset[i];
    const to = t.evOffset[i + 1];
    if (layer === undefined) {
      if (t.flags[i] & FLAG.ghost) return 'removed';
      for (let e = to - 1; e >= from; e--) {
        const op = t.events[e] & 3;
        if (op === OP.change) return 'changed';
        if (op === OP.add) return 'added';
      }
      return 'added';
    }
    for (let e = from; e < to; e++) if (t.events[e] >> 2 === layer) return STATUSES[t.events[e] & 3];
    return 'unchanged';
  }

  /** Per node: SELF when it matches the filter, BELOW when a descendant does. */
  private match(filter: TreeFilter = {}): Uint8Array {
    const { layer } = filter;
    const layers = this.tree.summary.layers.length;
    if (layer !== undefined && (!Number.isInteger(layer) || layer < 0 || layer >= layers)) {
      throw new BerthError('INVALID_ARGUMENT', `The image has ${layers} layer(s), numbered 0 to ${layers - 1}; there is no layer ${layer}.`);
    }
    const show = filter.show ?? (layer === undefined ? ['added', 'changed'] : ['added', 'changed', 'removed']);
    const key = `${layer ?? ''}|${[...show].sort().join(',')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const wanted = new Uint8Array(4);
    for (const s of show) {
      if (!(s in STATUS_CODE)) throw new BerthError('INVALID_ARGUMENT', `"${s}" is not a status; use added, changed, removed or unchanged.`);
      wanted[STATUS_CODE[s]] = 1;
    }
    const t = this.tree;
    const m = new Uint8Array(t.count);
    if (layer === undefined && wanted[0] && wanted[1]) {
      // The usual views (the merged filesystem, with or without deletions) need no pass over the
      // events: a live node matches, a deleted one only when asked, and a directory matches itself.
      m.fill(SELF | BELOW);
      if (!wanted[2]) for (let i = 1; i < t.count; i++) if (t.flags[i] & FLAG.ghost) m[i] = 0;
      this.remember(key, m);
      return m;
    }
    for (let i = t.count - 1; i > 0; i--) {
      if (wanted[STATUS_CODE[this.status(i, layer)]]) m[i] |= SELF;
      if (m[i]) m[t.parent[i]] |= BELOW;
    }
    m[0] |= SELF;
    this.remember(key, m);
    return m;
  }

  private remember(key: string, m: Uint8Array): void {
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, m);
  }

  /** One node as the API shows it. */
  node(i: number, filter: TreeFilter = {}, path?: string): FileNode {
    const t = this.tree;
    const m = this.match(filter);
    let addedIn: number | null = null;
    let removedIn: number | null = null;
    const changedIn: number[] = [];
    for (const [layer, op] of t.eventsOf(i)) {
      if (op === OP.add) {
        addedIn = layer;
        changedIn.length = 0;
        removedIn = null;
      } else if (op === OP.change) changedIn.push(layer);
      else removedIn = layer;
    }
    const kind = t.kind[i];
    let children = 0;
    if (kind === KIND.dir) for (const c of t.children(i)) if (m[c]) children++;
    const ghost = (t.flags[i] & FLAG.ghost) !== 0;
    return {
      path: path ?? t.path(i),
      name: t.name(i),
      kind: KIND_NAMES[kind],
      size: t.size[i],
      mode: t.mode[i],
      uid: t.uid[i],
      gid: t.gid[i],
      mtime: t.mtime[i],
      link: kind === KIND.symlink || kind === KIND.hardlink ? t.link(i) : null,
      addedIn,
      changedIn,
      removedIn: ghost ? removedIn : null,
      removed: ghost,
      implicit: (t.flags[i] & FLAG.implicit) !== 0,
      brokenLink: (t.flags[i] & FLAG.broken) !== 0,
      children,
      status: this.status(i, filter.layer),
    };
  }

  /** The node at `path` (deleted paths included), or null. */
  stat(path: string, filter: TreeFilter = {}): FileNode | null {
    const i = this.tree.lookup(path);
    return i < 0 ? null : this.node(i, filter);
  }

  /** A page of a directory's entries that match the filter (or hold matches), in name order. */
  list(path: string, filter: TreeFilter = {}, offset = 0, limit = 1000): DirListing {
    const t = this.tree;
    const dir = t.lookup(path);
    if (dir < 0) throw new BerthError('INVALID_ARGUMENT', `The image has no ${path}; list its parent folder to see what is there.`);
    if (t.kind[dir] !== KIND.dir) throw new BerthError('INVALID_ARGUMENT', `${path} is a ${KIND_NAMES[t.kind[dir]]}, not a folder.`);
    const m = this.match(filter);
    const base = t.path(dir);
    const entries: FileNode[] = [];
    let total = 0;
    for (let c = dir + 1; c < t.end[dir]; c = t.end[c]) {
      if (!m[c]) continue;
      if (total >= offset && entries.length < limit) {
        const name = t.name(c);
        entries.push(this.node(c, filter, base ? `${base}/${name}` : name));
      }
      total++;
    }
    return { path: base, total, offset, entries };
  }

  /** Paths matching a glob (and the filter), in tree order; at most `limit` returned, all counted. */
  find(pattern: string, filter: TreeFilter = {}, limit = 1000): { total: number; entries: FileNode[] } {
    const { re, basename } = compileGlob(pattern);
    const t = this.tree;
    const m = this.match(filter);
    const entries: FileNode[] = [];
    let total = 0;
    const take = (i: number, path?: string): void => {
      total++;
      if (entries.length < limit) entries.push(this.node(i, filter, path));
    };
    if (basename) {
      for (let i = 1; i < t.count; i++) if (m[i] & SELF && re.test(t.name(i))) take(i);
      return { total, entries };
    }
    const ids: number[] = [];
    const paths: string[] = [];
    for (let i = 1; i < t.count; i++) {
      while (ids.length && t.end[ids[ids.length - 1]] <= i) {
        ids.pop();
        paths.pop();
      }
      // Subtrees without a match are skipped whole.
      if (!m[i]) {
        i = t.end[i] - 1;
        continue;
      }
      const parent = paths.length ? paths[paths.length - 1] : '';
      const path = parent ? `${parent}/${t.name(i)}` : t.name(i);
      if (m[i] & SELF && re.test(path)) take(i, path);
      if (t.kind[i] === KIND.dir) {
        ids.push(i);
        paths.push(path);
      }
    }
    return { total, entries };
  }

  /** The `n` largest regular files matching the filter, largest first. */
  biggest(n = 100, filter: TreeFilter = {}): FileNode[] {
    const t = this.tree;
    const m = this.match(filter);
    const top: number[] = [];
    for (let i = 1; i < t.count; i++) {
      if (t.kind[i] !== KIND.file || !(m[i] & SELF)) continue;
      const s = t.size[i];
      if (top.length === n && s <= t.size[top[n - 1]]) continue;
      let at = top.length;
      while (at > 0 && t.size[top[at - 1]] < s) at--;
      top.splice(at, 0, i);
      if (top.length > n) top.pop();
    }
    return top.map((i) => this.node(i, filter));
  }
}
