/**
 * Merges the layer indexes of an image (bottom first) into one filesystem, the way a runtime
 * unpacks it (OCI image spec, "Applying Changesets"): within each layer, whiteouts and opaque
 * markers apply first and only to lower layers; then entries apply in tar order — a later
 * entry replaces an earlier one, a non-directory replacing a directory hides the directory's
 * lower children, a hard link takes the content its target has at that moment.
 *
 * Deleted paths stay as "ghost" nodes (with the layer that removed them) so the browser can
 * show deletions. Nodes live in typed columns with a path → id map and linked child lists
 * (about 100 bytes per path instead of a JS object each), once per image before it is cached.
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

const NONE = -1;

/** The merged filesystem while it is built; node 0 is the root. Read by writeMergedTree. */
export class MergeState {
  count = 0;
  kind!: Uint8Array;
  flags!: Uint8Array;
  parent!: Int32Array;
  firstChild!: Int32Array;
  nextSibling!: Int32Array;
  size!: Float64Array;
  mtime!: Float64Array;
  mode!: Uint32Array;
  uid!: Uint32Array;
  gid!: Uint32Array;
  /** Layer and entry holding the content (a hard link's: its target's), NONE when none. */
  srcLayer!: Int32Array;
  srcEntry!: Int32Array;
  /** The first event (`layer * 4 + op`); later ones in `more`. */
  ev0!: Int32Array;
  readonly names: string[] = [];
  readonly more = new Map<number, number[]>();
  readonly links = new Map<number, string>();
  /** Bytes of earlier versions of a path that were overwritten or deleted, and how many. */
  readonly wasted = new Map<number, { bytes: number; versions: number }>();
  /** Path → node (live or deleted); dropped subtrees leave it. */
  readonly byPath = new Map<string, number>();

  constructor(capacity: number) {
    this.grow(Math.max(16, capacity));
  }

  private grow(cap: number): void {
    const copy = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(old: T | undefined, make: (n: number) => T): T => {
      const next = make(cap);
      if (old) next.set(old as never);
      return next;
    };
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.parent = copy(this.parent, (n) => new Int32Array(n));
    this.firstChild = copy(this.firstChild, (n) => new Int32Array(n));
    this.nextSibling = copy(this.nextSibling, (n) => new Int32Array(n));
    this.size = copy(this.size, (n) => new Float64Array(n));
    this.mtime = copy(this.mtime, (n) => new Float64Array(n));
    this.mode = copy(this.mode, (n) => new Uint32Array(n));
    this.uid = copy(this.uid, (n) => new Uint32Array(n));
    this.gid = copy(this.gid, (n) => new Uint32Array(n));
    this.srcLayer = copy(this.srcLayer, (n) => new Int32Array(n));
    this.srcEntry = copy(this.srcEntry, (n) => new Int32Array(n));
    this.ev0 = copy(this.ev0, (n) => new Int32Array(n));
  }

  /** A new node under `parent` (NONE for the root). */
  add(path: string, name: string, parent: number, kind: number): number {
    if (this.count === this.kind.length) this.grow(Math.ceil(this.count * 1.5));
    const id = this.count++;
    this.names.push(name);
    this.kind[id] = kind;
    this.flags[id] = 0;
    this.parent[id] = parent;
    this.firstChild[id] = NONE;
    this.mode[id] = 0o755;
    this.srcLayer[id] = NONE;
    this.srcEntry[id] = NONE;
    this.ev0[id] = NONE;
    if (parent !== NONE) {
      this.nextSibling[id] = this.firstChild[parent];
      this.firstChild[parent] = id;
    } else this.nextSibling[id] = NONE;
    this.byPath.set(path, id);
    return id;
  }

  live(id: number): boolean {
    return (this.flags[id] & FLAG.ghost) === 0;
  }

  /** Events of a node, in order. */
  events(id: number): number[] {
    if (this.ev0[id] === NONE) return [];
    const more = this.more.get(id);
    return more ? [this.ev0[id], ...more] : [this.ev0[id]];
  }

  /** Records that layer `k` did `op` to `id` (one event per layer: removed-then-created is a change). */
  mark(id: number, k: number, op: number): void {
    const more = this.more.get(id);
    const last = more ? more[more.length - 1] : this.ev0[id];
    if (last !== NONE && last >> 2 === k) {
      if ((last & 3) === OP.remove && op === OP.add) {
        if (more) more[more.length - 1] = k * 4 + OP.change;
        else this.ev0[id] = k * 4 + OP.change;
      }
      return;
    }
    if (last === NONE) this.ev0[id] = k * 4 + op;
    else if (more) more.push(k * 4 + op);
    else this.more.set(id, [k * 4 + op]);
  }

  addWaste(id: number, bytes: number, versions: number): void {
    const w = this.wasted.get(id);
    if (w) {
      w.bytes += bytes;
      w.versions += versions;
    } else this.wasted.set(id, { bytes, versions });
  }

  path(id: number): string {
    const parts: string[] = [];
    for (let x = id; x > 0; x = this.parent[x]) parts.push(this.names[x]);
    return parts.reverse().join('/');
  }

  /** Children ids (any order). */
  children(id: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChild[id]; c !== NONE; c = this.nextSibling[c]) out.push(c);
    return out;
  }
}

/** Merges layer indexes (bottom first). */
export function mergeLayers(layers: LayerIndex[]): MergeState {
  const s = new MergeState(layers.reduce((n, l) => n + l.count, 1));
  s.add('', '', NONE, KIND.dir);
  let cachedDir: string | null = null;
  let cachedId = 0;

  /** Every live descendant (and `id`) becomes a ghost removed by layer `k`. */
  const remove = (id: number, k: number): void => {
    cachedDir = null;
    const stack = [id];
    while (stack.length) {
      const x = stack.pop() as number;
      if (!s.live(x)) continue;
      s.flags[x] |= FLAG.ghost;
      s.mark(x, k, OP.remove);
      if (s.kind[x] === KIND.file) s.addWaste(x, s.size[x], 1);
      for (let c = s.firstChild[x]; c !== NONE; c = s.nextSibling[c]) stack.push(c);
    }
  };

  /** Forgets every descendant of `id` (a directory turned into something else); returns their live file bytes. */
  const drop = (id: number): number => {
    let bytes = 0;
    const stack = s.children(id);
    while (stack.length) {
      const x = stack.pop() as number;
      if (s.live(x) && s.kind[x] === KIND.file) bytes += s.size[x];
      s.byPath.delete(s.path(x));
      for (let c = s.firstChild[x]; c !== NONE; c = s.nextSibling[c]) stack.push(c);
    }
    s.firstChild[id] = NONE;
    return bytes;
  };

  /** The old content of a live node is replaced: its bytes (and a directory's subtree) are wasted. */
  const overwrite = (id: number): void => {
    cachedDir = null;
    if (s.kind[id] === KIND.file) s.addWaste(id, s.size[id], 1);
    else if (s.kind[id] === KIND.dir) {
      const bytes = drop(id);
      if (bytes) s.addWaste(id, bytes, 0);
    }
  };

  const reset = (id: number, kind: number, flags: number): void => {
    s.kind[id] = kind;
    s.flags[id] = flags;
    s.size[id] = 0;
    s.mode[id] = 0o755;
    s.uid[id] = 0;
    s.gid[id] = 0;
    s.srcLayer[id] = NONE;
    s.srcEntry[id] = NONE;
    s.links.delete(id);
  };

  /** The live directory at `path`, creating (or turning into directories) what is missing. */
  const dir = (path: string, k: number): number => {
    if (path === cachedDir) return cachedId;
    let id = s.byPath.get(path);
    if (id === undefined || !s.live(id) || s.kind[id] !== KIND.dir) {
      const slash = path.lastIndexOf('/');
      const parent = path === '' ? NONE : dir(slash < 0 ? '' : path.slice(0, slash), k);
      if (id === undefined) {
        id = s.add(path, path.slice(slash + 1), parent, KIND.dir);
        s.flags[id] = FLAG.implicit;
        s.mark(id, k, OP.add);
      } else {
        const wasLive = s.live(id);
        if (wasLive) overwrite(id);
        reset(id, KIND.dir, FLAG.implicit);
        s.mark(id, k, wasLive ? OP.change : OP.add);
      }
    }
    cachedDir = path;
    cachedId = id;
    return id;
  };

  const put = (L: LayerIndex, k: number, i: number, kind: number, path: string): void => {
    const slash = path.lastIndexOf('/');
    const parent = dir(slash < 0 ? '' : path.slice(0, slash), k);
    let id = s.byPath.get(path);
    if (id !== undefined && s.live(id) && s.kind[id] === KIND.dir && kind === KIND.dir) {
      const changed = s.mode[id] !== L.mode[i] || s.uid[id] !== L.uid[i] || s.gid[id] !== L.gid[i];
      s.mode[id] = L.mode[i];
      s.uid[id] = L.uid[i];
      s.gid[id] = L.gid[i];
      s.mtime[id] = L.mtime[i];
      s.flags[id] &= ~FLAG.implicit;
      s.srcLayer[id] = k;
      s.srcEntry[id] = i;
      if (changed) s.mark(id, k, OP.change);
      return;
    }
    if (id === undefined) {
      id = s.add(path, path.slice(slash + 1), parent, kind);
      s.mark(id, k, OP.add);
    } else if (s.live(id)) {
      overwrite(id);
      s.mark(id, k, OP.change);
    } else {
      if (kind !== KIND.dir) drop(id);
      s.mark(id, k, OP.add);
    }
    reset(id, kind, 0);
    s.size[id] = kind === KIND.file ? L.size[i] : 0;
    s.mode[id] = L.mode[i];
    s.uid[id] = L.uid[i];
    s.gid[id] = L.gid[i];
    s.mtime[id] = L.mtime[i];
    if (kind === KIND.file || kind === KIND.dir) {
      s.srcLayer[id] = k;
      s.srcEntry[id] = i;
    }
    if (kind === KIND.symlink || kind === KIND.hardlink) s.links.set(id, L.link(i));
    if (kind === KIND.hardlink) {
      // The link shares the inode its target has now; later changes to the target path do not reach it.
      const t = s.byPath.get(L.link(i));
      if (t !== undefined && t !== id && s.live(t) && (s.kind[t] === KIND.file || (s.kind[t] === KIND.hardlink && !(s.flags[t] & FLAG.broken)))) {
        s.size[id] = s.size[t];
        s.srcLayer[id] = s.srcLayer[t];
        s.srcEntry[id] = s.srcEntry[t];
      } else s.flags[id] |= FLAG.broken;
    }
  };

  layers.forEach((L, k) => {
    cachedDir = null;
    for (let i = 0; i < L.count; i++) {
      const kind = L.kind[i];
      if (kind !== KIND.whiteout && kind !== KIND.opaque) continue;
      const id = s.byPath.get(L.path(i));
      if (id === undefined || !s.live(id)) continue;
      if (kind === KIND.whiteout) remove(id, k);
      else if (s.kind[id] === KIND.dir) for (const c of s.children(id)) if (s.live(c)) remove(c, k);
    }
    cachedDir = null;
    for (let i = 0; i < L.count; i++) {
      const kind = L.kind[i];
      if (kind >= KIND.whiteout) continue;
      put(L, k, i, kind, L.path(i));
    }
  });
  return s;
}
