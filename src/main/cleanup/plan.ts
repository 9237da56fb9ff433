/**
 * Builds a cleanup plan: list the tags, read each one (digest, created, size, manifest graph),
 * apply the rules, and count the space garbage collection can reclaim afterwards.
 */
import type { CleanupDigest, CleanupPlan, CleanupProgress, CleanupRules, CleanupTagRow } from '../../shared/cleanup-types';
import { BerthError } from '../../shared/errors';
import { compareNatural } from '../../shared/natural-order';
import { listAllTags, type RegistryClient } from '../registry';
import { freedSpace } from './freed';
import { readRepository, type RepositoryGraph } from './inspect';
import { evaluateRules, validateRules } from './rules';

/** Options of planCleanup. */
export interface PlanOptions {
  /** Time "older than" is measured from (default: now). */
  now?: Date;
  signal?: AbortSignal;
  /** Called as tags are read (`current` = the tag just read). */
  onProgress?: (p: CleanupProgress) => void;
  /**
   * What an earlier plan read from this repository: evaluate the rules on it without any request
   * (the live preview). Omitted: read the registry now.
   */
  graph?: RepositoryGraph;
  /** Receives the graph read from the registry, for the caller to reuse (see `graph`). */
  onRead?: (graph: RepositoryGraph) => void;
}

/** Newest first, unknown dates last, then by name: the order the plan table shows. */
function byNewest(a: CleanupTagRow, b: CleanupTagRow): number {
  const ta = a.created ? Date.parse(a.created) : NaN;
  const tb = b.created ? Date.parse(b.created) : NaN;
  const ka = Number.isFinite(ta) ? ta : -Infinity;
  const kb = Number.isFinite(tb) ? tb : -Infinity;
  if (ka !== kb) return kb - ka;
  return compareNatural(a.tag, b.tag);
}

/** Evaluates `rules` on every tag of `repository`; reads only, deletes nothing. */
export async function planCleanup(client: RegistryClient, repository: string, rules: CleanupRules, opts: PlanOptions = {}): Promise<CleanupPlan> {
  const clean = validateRules(rules);
  const now = opts.now ?? new Date();
  let graph = opts.graph;
  if (!graph) {
    graph = await readAll(client, repository, opts);
    opts.onRead?.(graph);
  }
  const { rows, nodes } = graph;
  const total = rows.length;
  const decided = evaluateRules(rows, clean, now).sort(byNewest);
  const groups = new Map<string, string[]>();
  for (const r of decided) {
    if (r.decision !== 'delete') continue;
    const list = groups.get(r.digest) ?? [];
    list.push(r.tag);
    groups.set(r.digest, list);
  }
  const deleteDigests: CleanupDigest[] = [...groups].map(([digest, t]) => ({ digest, tags: t.sort(compareNatural) }));
  const deleted = new Set(groups.keys());
  const remaining = decided.filter((r) => r.decision !== 'delete').map((r) => r.digest);
  const { freedBytes, untaggedChildren } = freedSpace(nodes, deleted, remaining);
  const count = (d: CleanupTagRow['decision']): number => decided.filter((r) => r.decision === d).length;
  opts.onProgress?.({ repository, done: total, total, current: null });
  return {
    repository,
    rules: clean,
    evaluatedAt: now.toISOString(),
    tags: decided,
    deleteDigests,
    freedBytes,
    untaggedChildren,
    keptCount: count('keep'),
    deleteCount: count('delete'),
    protectedCount: count('protected'),
  };
}

/** Lists every tag and reads each one, reporting progress per tag. */
async function readAll(client: RegistryClient, repository: string, opts: PlanOptions): Promise<RepositoryGraph> {
  const { signal } = opts;
  let tags: string[];
  try {
    tags = await listAllTags(client, repository, signal);
  } catch (err) {
    // A repository whose last tag is gone may answer NAME_UNKNOWN: nothing to clean.
    if (err instanceof BerthError && err.code === 'NAME_UNKNOWN') tags = [];
    else throw err;
  }
  let done = 0;
  const total = tags.length;
  opts.onProgress?.({ repository, done, total, current: null });
  return readRepository(client, repository, tags, {
    signal,
    onTag: (tag) => opts.onProgress?.({ repository, done: ++done, total, current: tag }),
  });
}
