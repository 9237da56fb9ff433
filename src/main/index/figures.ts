/**
 * Storage figures over the index, exact and registry-wide in the sense of `registry
 * garbage-collect` without --delete-untagged (see gc-graph.ts): what the registry stores (every
 * blob once: layers, configs and manifests), who references what, and what deleting a selection
 * of tags or digests gives back after garbage collection. Pure functions of the index; the
 * graph is cached per index version.
 */
import { buildGcGraph, forEachMark, freedBy, storedSize, type GcGraph } from './gc-graph';
import type { ReclaimEstimate, ReclaimItem, RepositoryStorage } from '../../shared/index-types';
import type { RegistryIndex } from './registry-index';
import { displayCreated, displaySize, topLevelUntagged } from './views';

/** One repository's share of the registry (the contract's own shape). */
export type RepositoryFigures = RepositoryStorage;

/** The registry as stored. */
export interface StorageFigures {
  /** Every blob the registry keeps after garbage collection, once: layers, configs and manifests. */
  totalStoredBytes: number;
  /** Sum of every tag's size as the tags table shows it (shared layers counted again for each tag). */
  naiveTagBytes: number;
  tags: number;
  /** Stored manifests (distinct digests). */
  manifests: number;
  /** Digests marked whose size the index does not know: the totals are lower bounds when > 0. */
  unknownSizes: number;
  repositories: RepositoryFigures[];
  /** When the last full build finished (ISO 8601), null if none did. */
  builtAt: string | null;
}

/** A tag or a digest of a repository, as selected for deletion (the contract's own type). */
export type SelectionItem = ReclaimItem;

/** What deleting a selection does once garbage collection has run: the contract's estimate without the service's index age and staleness. */
export type ReclaimFigure = Pick<ReclaimEstimate, 'freedBytes' | 'manifests' | 'leftUntagged' | 'unknownSizes' | 'notFound'>;

const graphs = new WeakMap<RegistryIndex, GcGraph>();

/** The GC graph of the index as it is now (cached until the index changes). */
export function gcGraph(index: RegistryIndex): GcGraph {
  let g = graphs.get(index);
  if (!g || g.version !== index.model.version) graphs.set(index, (g = buildGcGraph(index.model)));
  return g;
}

const iso = (ms: number): string | null => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null);

/** Registry total as stored, the naive sum of tag sizes, and each repository's own and shared bytes. */
export function storageFigures(index: RegistryIndex): StorageFigures {
  const model = index.model;
  const graph = gcGraph(index);
  let total = 0;
  let unknown = 0;
  for (let b = 0; b < graph.refCount.length; b++) {
    if (graph.refCount[b] === 0) continue;
    const size = storedSize(model, graph, b);
    if (Number.isFinite(size)) total += size;
    else unknown++;
  }
  const manifests = new Set<number>();
  let naive = 0;
  let tags = 0;
  // Per repository: how many of its stored manifests mark each digest (typed arrays, reset after each repository).
  const local = new Int32Array(model.digests.count);
  const touched: number[] = [];
  const seen = graph.scratch;
  const count = (b: number): void => {
    if (local[b]++ === 0) touched.push(b);
  };
  const repositories: RepositoryFigures[] = [];
  for (const name of index.repositories()) {
    const r = model.repo(name)!;
    for (const d of graph.stored.get(name) ?? []) {
      manifests.add(d);
      forEachMark(model, d, seen, count);
    }
    let own = 0;
    let shared = 0;
    for (const b of touched) {
      const size = storedSize(model, graph, b);
      if (Number.isFinite(size)) {
        if (local[b] === graph.refCount[b]) own += size;
        else shared += size;
      }
      local[b] = 0;
    }
    touched.length = 0;
    let newest = NaN;
    for (const d of r.tags.values()) {
      const rec = model.records.get(d);
      if (!rec) continue;
      const size = displaySize(model, rec);
      if (Number.isFinite(size)) naive += size;
      const c = displayCreated(model, rec);
      if (Number.isFinite(c) && !(c <= newest)) newest = c;
    }
    tags += r.tags.size;
    repositories.push({
      repository: name,
      tags: r.tags.size,
      untagged: topLevelUntagged(model, r).length,
      ownBytes: own,
      sharedBytes: shared,
      lastPush: iso(newest),
      refreshedAt: iso(r.refreshedAt),
      stale: r.stale,
    });
  }
  return {
    totalStoredBytes: total,
    naiveTagBytes: naive,
    tags,
    manifests: manifests.size,
    unknownSizes: unknown,
    repositories,
    builtAt: iso(model.build.finishedAt ?? NaN),
  };
}

/** Exact bytes freed after garbage collection by deleting a selection of tags and digests, across repositories. */
export function reclaim(index: RegistryIndex, selection: readonly SelectionItem[]): ReclaimFigure {
  const model = index.model;
  const graph = gcGraph(index);
  const notFound: SelectionItem[] = [];
  const byRepo = new Map<string, Set<number>>();
  for (const item of selection) {
    const r = model.repo(item.repository);
    const stored = graph.stored.get(item.repository);
    const id = 'tag' in item ? (r?.tags.get(item.tag) ?? -1) : model.digests.id(item.digest);
    if (!r || id < 0 || !stored || !stored.includes(id)) {
      notFound.push(item);
      continue;
    }
    let set = byRepo.get(item.repository);
    if (!set) byRepo.set(item.repository, (set = new Set()));
    set.add(id);
  }
  const pairs = [...byRepo].flatMap(([repository, ds]) => [...ds].map((digest) => ({ repository, digest })));
  const { bytes, unknown } = freedBy(model, graph, pairs);
  const manifests: ReclaimFigure['manifests'] = [];
  const leftUntagged: ReclaimFigure['leftUntagged'] = [];
  for (const [repository, ds] of byRepo) {
    const r = model.repo(repository)!;
    for (const d of ds) {
      const tags = [...r.tags].filter(([, t]) => t === d).map(([tag]) => tag).sort();
      manifests.push({ repository, digest: model.digests.name(d), tags });
    }
    // After the delete the repository still stores what its other tags and untagged manifests reach, plus every other revision.
    const remainingRoots = [...r.tags.values(), ...r.untagged].filter((d) => !ds.has(d));
    const reach = model.closure(remainingRoots);
    const stored = new Set(graph.stored.get(repository));
    const orphaned = new Set<number>();
    for (const d of ds) for (const c of model.closure([d])) if (c !== d && !ds.has(c) && stored.has(c) && !reach.has(c)) orphaned.add(c);
    for (const c of orphaned) leftUntagged.push({ repository, digest: model.digests.name(c) });
  }
  return { freedBytes: bytes, manifests, leftUntagged, unknownSizes: unknown, notFound };
}

/** Per tag of a repository: bytes freed if only that tag's digest were deleted, and the other tags that would go with it. */
export function tagReclaims(index: RegistryIndex, repository: string): { tag: string; digest: string; freedBytes: number; withTags: string[] }[] {
  const r = index.model.repo(repository);
  if (!r) return [];
  const byDigest = new Map<number, string[]>();
  for (const [tag, d] of r.tags) (byDigest.get(d) ?? byDigest.set(d, []).get(d)!).push(tag);
  const graph = gcGraph(index);
  const out: { tag: string; digest: string; freedBytes: number; withTags: string[] }[] = [];
  for (const [d, tags] of byDigest) {
    const { bytes } = freedBy(index.model, graph, [{ repository, digest: d }]);
    for (const tag of tags) out.push({ tag, digest: index.model.digests.name(d), freedBytes: bytes, withTags: tags.filter((t) => t !== tag).sort() });
  }
  return out.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
