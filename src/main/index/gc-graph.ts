/**
 * What `registry garbage-collect` (without --delete-untagged) keeps, as counts: it enumerates
 * every manifest revision stored in every repository, marks that manifest's blob and every
 * descriptor the manifest references (an image: config and layers; an index: its child
 * manifests), and sweeps every unmarked blob. So for each digest the graph counts the stored
 * (repository, manifest) pairs that mark it; deleting pairs frees exactly the digests whose count
 * drops to zero. Foreign layers (with `urls`) were never stored and are not counted.
 */
import type { IndexModel } from './model';

/** How a digest was marked: as a stored manifest, as a config or layer, as an index's child. */
export const MARK_SELF = 1;
export const MARK_BLOB = 2;
export const MARK_CHILD = 4;

/** Stored manifests per repository and, per digest id, how many stored (repository, manifest) pairs mark it. */
export interface GcGraph {
  version: number;
  stored: Map<string, Int32Array>;
  refCount: Int32Array;
  /** Per digest id, the MARK_* bits it was marked with. */
  roles: Uint8Array;
  /** Scratch space for walking marks (one per graph, so figures allocate nothing per manifest). */
  scratch: MarkSet;
}

/** Remembers which digests one manifest marked already (a stamp per digest id: no allocation per manifest). */
export class MarkSet {
  private readonly stamp: Int32Array;
  private round = 0;

  constructor(size: number) {
    this.stamp = new Int32Array(size);
  }

  /** Starts a new manifest. */
  reset(): void {
    this.round++;
  }

  /** True the first time `b` is seen since the last reset. */
  first(b: number): boolean {
    if (this.stamp[b] === this.round) return false;
    this.stamp[b] = this.round;
    return true;
  }
}

/** Calls `fn` once for each digest the stored manifest `d` marks (itself included), with how it marks it. */
export function forEachMark(model: IndexModel, d: number, seen: MarkSet, fn: (blob: number, role: number) => void): void {
  // Hot loop (every stored manifest, for every figure): no closures allocated per call.
  seen.reset();
  seen.first(d);
  fn(d, MARK_SELF);
  const rec = model.records.get(d);
  if (!rec) return;
  if (rec.kind === 'image') {
    if (rec.config >= 0 && seen.first(rec.config)) fn(rec.config, MARK_BLOB);
    const foreign = rec.foreign;
    const layers = rec.layers;
    for (let i = 0; i < layers.length; i++) {
      if ((!foreign || !foreign.includes(i)) && seen.first(layers[i])) fn(layers[i], MARK_BLOB);
    }
  } else if (rec.kind === 'index') {
    for (const c of rec.children) if (seen.first(c)) fn(c, MARK_CHILD);
  }
}

/** Builds the graph of the model as it is now. */
export function buildGcGraph(model: IndexModel): GcGraph {
  const refCount = new Int32Array(model.digests.count);
  const roles = new Uint8Array(model.digests.count);
  const stored = new Map<string, Int32Array>();
  const seen = new MarkSet(model.digests.count);
  for (const [name, r] of model.repos) {
    const s = Int32Array.from(model.stored(r));
    stored.set(name, s);
    for (const d of s) {
      forEachMark(model, d, seen, (b, role) => {
        refCount[b]++;
        roles[b] |= role;
      });
    }
  }
  return { version: model.version, stored, refCount, roles, scratch: seen };
}

/**
 * Size of a marked digest as the blob store holds it: known, or unknown (NaN) for a stored
 * manifest, config or layer never measured; 0 for a child manifest an index names that no
 * repository stores and Berth never read (a sparse index: it is not in the blob store).
 */
export function storedSize(model: IndexModel, graph: GcGraph, b: number): number {
  const size = model.digests.size(b);
  if (Number.isFinite(size)) return size;
  return graph.roles[b] & (MARK_SELF | MARK_BLOB) ? NaN : 0;
}

/** Digests that deleting the stored `pairs` frees, with their total size and how many sizes are unknown. */
export function freedBy(model: IndexModel, graph: GcGraph, pairs: { repository: string; digest: number }[]): { freed: number[]; bytes: number; unknown: number } {
  const dec = new Map<number, number>();
  const seen = graph.scratch;
  const unique = new Set<string>();
  for (const p of pairs) {
    const key = `${p.repository}\0${p.digest}`;
    if (unique.has(key)) continue;
    unique.add(key);
    forEachMark(model, p.digest, seen, (b) => dec.set(b, (dec.get(b) ?? 0) + 1));
  }
  const freed: number[] = [];
  let bytes = 0;
  let unknown = 0;
  for (const [b, n] of dec) {
    if (n < (graph.refCount[b] ?? 0)) continue;
    freed.push(b);
    const size = storedSize(model, graph, b);
    if (Number.isFinite(size)) bytes += size;
    else unknown++;
  }
  return { freed, bytes, unknown };
}
