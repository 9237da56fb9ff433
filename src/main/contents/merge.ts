/**
 * Merges the layer indexes of an image (bottom first) into one filesystem, the way a runtime
 * unpacks it (OCI image spec, "Applying Changesets"): within each layer, whiteouts and opaque
 * markers apply first and only to lower layers; then entries apply in tar order — a later
 * entry replaces an earlier one, a non-directory replacing a directory hides the directory's
 * lower children, a hard link takes the content its target has at that moment.
 *
 * Deleted paths stay as "ghost" nodes (with the layer that removed them) so the browser can
 * show deletions. This builds JS objects (once per image, then cached as a MergedTree file).
 */
import { KIND } from './entry-kinds';
import type { LayerIndex } from './layer-index';

/** Event ops, stored as `layer * 4 + op`. */
export const OP = { add: 0, change: 1, remove: 2 } as const;

/** Node flags. */
export const FLAG = {
  /** Deleted: not in the merged filesystem (kept to show what was removed). */
  ghost: 1,
  /** A directory no entry named; created for its children (mode 0755, as runtimes do). */
  implicit: 2,
  /** A hard link whose target did not exist (or was not a file) when it was applied. */
  broken: 4,
} as const;

/** One path of the merged filesystem while merging. */
export interface MNode {
  name: string;
  parent: MNode | null;
  /** Directories only (ghost children included). */
  children: Map<string, MNode> | null;
  kind: number;
  flags: number;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  link: string;
  /** Layer and entry holding the content (a hard link's: its target's), -1 when none. */
  srcLayer: number;
  srcEntry: number;
  /** History of this path: `layer * 4 + op`, in order. */
  events: number[];
  /** Bytes of earlier versions of this path that were overwritten or deleted, and how many. */
  wasted: number;
  wastedVersions: number;
}

function node(name: string, parent: MNode | null, kind: number): MNode {
  return {
    name,
    parent,
    children: kind === KIND.dir ? new Map() : null,
    kind,
    flags: 0,
    size: 0,
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: 0,
    link: '',
    srcLayer: -1,
    srcEntry: -1,
    events: [],
    wasted: 0,
    wastedVersions: 0,
  };
}

const live = (n: MNode): boolean => (n.flags & FLAG.ghost) === 0;

/** Records that layer `k` did `op` to `n` (one event per layer: removed-then-created is a change). */
function mark(n: MNode, k: number, op: number): void {
  const last = n.events[n.events.length - 1];
  if (last !== undefined && last >> 2 === k) {
    if ((last & 3) === OP.remove && op === OP.add) n.events[n.events.length - 1] = k * 4 + OP.change;
    return;
  }
  n.events.push(k * 4 + op);
}

/** Bytes of live regular files under `n`. */
function liveBytes(n: MNode): number {
  let sum = 0;
  const stack = [n];
  while (stack.length) {
    const x = stack.pop() as MNode;
    if (!live(x)) continue;
    if (x.kind === KIND.file) sum += x.size;
    if (x.children) for (const c of x.children.values()) stack.push(c);
  }
  return sum;
}

/** Merges layer indexes (bottom first); returns the root of the merged tree. */
export function mergeLayers(layers: LayerIndex[]): MNode {
  const root = node('', null, KIND.dir);
  let cachedDirPath: string | null = null;
  let cachedDir: MNode = root;

  const find = (path: string): MNode | null => {
    let cur: MNode | undefined = root;
    for (const part of path.split('/')) {
      cur = cur.children?.get(part);
      if (!cur) return null;
    }
    return cur;
  };

  const remove = (n: MNode, k: number): void => {
    cachedDirPath = null;
    const stack = [n];
    while (stack.length) {
      const x = stack.pop() as MNode;
      if (!live(x)) continue;
      x.flags |= FLAG.ghost;
      mark(x, k, OP.remove);
      if (x.kind === KIND.file) {
        x.wasted += x.size;
        x.wastedVersions++;
      }
      if (x.children) for (const c of x.children.values()) stack.push(c);
    }
  };

  /** The old content of `n` is replaced: its bytes (and a directory's whole subtree) are wasted. */
  const overwrite = (n: MNode): void => {
    cachedDirPath = null;
    if (n.kind === KIND.file) {
      n.wasted += n.size;
      n.wastedVersions++;
    } else if (n.children) {
      n.wasted += liveBytes(n);
      n.children = null;
    }
  };

  /** The live directory at `path`, creating (or turning into directories) what is missing. */
  const dir = (path: string, k: number): MNode => {
    if (path === cachedDirPath) return cachedDir;
    let cur = root;
    if (path !== '') {
      for (const part of path.split('/')) {
        const children = cur.children as Map<string, MNode>;
        let child = children.get(part);
        if (!child) {
          child = node(part, cur, KIND.dir);
          child.flags = FLAG.implicit;
          mark(child, k, OP.add);
          children.set(part, child);
        } else if (!live(child) || child.kind !== KIND.dir) {
          if (live(child)) overwrite(child);
          else if (child.kind !== KIND.dir) child.children = null;
          const wasGhost = !live(child);
          Object.assign(child, { kind: KIND.dir, flags: FLAG.implicit, size: 0, mode: 0o755, uid: 0, gid: 0, link: '', srcLayer: -1, srcEntry: -1 });
          child.children ??= new Map();
          mark(child, k, wasGhost ? OP.add : OP.change);
        }
        cur = child;
      }
    }
    cachedDirPath = path;
    cachedDir = cur;
    return cur;
  };

  const put = (L: LayerIndex, k: number, i: number, kind: number, path: string): void => {
    const slash = path.lastIndexOf('/');
    const parent = dir(slash < 0 ? '' : path.slice(0, slash), k);
    const name = path.slice(slash + 1);
    const children = parent.children as Map<string, MNode>;
    let n = children.get(name);
    if (n && live(n) && n.kind === KIND.dir && kind === KIND.dir) {
      const changed = n.mode !== L.mode[i] || n.uid !== L.uid[i] || n.gid !== L.gid[i];
      n.mode = L.mode[i];
      n.uid = L.uid[i];
      n.gid = L.gid[i];
      n.mtime = L.mtime[i];
      n.flags &= ~FLAG.implicit;
      n.srcLayer = k;
      n.srcEntry = i;
      if (changed) mark(n, k, OP.change);
      return;
    }
    if (n && live(n)) {
      overwrite(n);
      mark(n, k, OP.change);
    } else if (n) {
      if (kind !== KIND.dir) n.children = null;
      mark(n, k, OP.add);
    } else {
      n = node(name, parent, kind);
      children.set(name, n);
      mark(n, k, OP.add);
    }
    n.kind = kind;
    n.flags = 0;
    n.size = kind === KIND.file ? L.size[i] : 0;
    n.mode = L.mode[i];
    n.uid = L.uid[i];
    n.gid = L.gid[i];
    n.mtime = L.mtime[i];
    n.link = kind === KIND.symlink || kind === KIND.hardlink ? L.link(i) : '';
    n.srcLayer = kind === KIND.file || kind === KIND.dir ? k : -1;
    n.srcEntry = kind === KIND.file || kind === KIND.dir ? i : -1;
    if (kind === KIND.dir) n.children ??= new Map();
    else n.children = null;
    if (kind === KIND.hardlink) {
      // The link shares the inode its target has now; later changes to the target path do not reach it.
      const t = find(n.link);
      if (t && t !== n && live(t) && (t.kind === KIND.file || (t.kind === KIND.hardlink && !(t.flags & FLAG.broken)))) {
        n.size = t.size;
        n.srcLayer = t.srcLayer;
        n.srcEntry = t.srcEntry;
      } else n.flags |= FLAG.broken;
    }
  };

  layers.forEach((L, k) => {
    cachedDirPath = null;
    for (let i = 0; i < L.count; i++) {
      const kind = L.kind[i];
      if (kind === KIND.whiteout) {
        const n = find(L.path(i));
        if (n && live(n)) remove(n, k);
      } else if (kind === KIND.opaque) {
        const n = find(L.path(i));
        if (n && live(n) && n.children) for (const c of n.children.values()) if (live(c)) remove(c, k);
      }
    }
    cachedDirPath = null;
    for (let i = 0; i < L.count; i++) {
      const kind = L.kind[i];
      if (kind >= KIND.whiteout) continue;
      put(L, k, i, kind, L.path(i));
    }
  });
  return root;
}
