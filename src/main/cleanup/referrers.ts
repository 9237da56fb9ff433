/**
 * Cleanup and referrers (issue 14): the signatures, attestations and SBOMs of the images a plan
 * deletes go with them — planned with their bytes (so the preview counts them) and deleted right
 * after their subjects — so a cleanup never leaves one whose subject is gone.
 */
import type { CleanupPlan, CleanupResult } from '../../shared/cleanup-types';
import { toWireError } from '../../shared/errors';
import type { ReferrerDeleteSummary } from '../../shared/supply-chain-types';
import type { ContentSource } from '../referrers/content';
import { deleteReferrers, orphanedByCleanup, referrerTagDigests } from '../referrers/delete-plan';
import { fetchReferrersApi } from '../registry/referrers';
import { closure } from './freed';
import type { RepositoryGraph } from './inspect';

const NONE: ReferrerDeleteSummary = { items: [], tags: [], bytes: 0 };

/** What one read of a repository learnt about its referrers, reused while the preview re-plans. */
interface Known {
  api?: boolean;
  tagDigests?: { tag: string; digest: string | null }[];
}
const known = new WeakMap<RepositoryGraph, Known>();

/**
 * The referrers `plan` would leave without a subject, and their bytes (blobs a remaining image
 * uses are not counted). A registry without the referrers API and without tag-schema tags has
 * none: that costs one request.
 */
export async function planCleanupReferrers(src: ContentSource, plan: CleanupPlan, graph: RepositoryGraph): Promise<ReferrerDeleteSummary> {
  const subjects = [...plan.deleteDigests.map((d) => d.digest), ...plan.untaggedChildren];
  if (subjects.length === 0) return NONE;
  let k = known.get(graph);
  if (!k) known.set(graph, (k = {}));
  k.api ??= (await fetchReferrersApi(src.client, src.repository, subjects[0], { signal: src.signal })).supported;
  const referrerTags = graph.referrerTags ?? [];
  if (!k.api && referrerTags.length === 0) return NONE;
  k.tagDigests ??= await referrerTagDigests(src, referrerTags);
  const deleted = new Set(plan.deleteDigests.map((d) => d.digest));
  const remaining = graph.rows.filter((r) => !deleted.has(r.digest)).map((r) => r.digest);
  const keptBlobs = new Set<string>();
  for (const d of closure(remaining, graph.nodes)) for (const b of graph.nodes.get(d)?.blobs ?? []) keptBlobs.add(b.digest);
  const found = await orphanedByCleanup(src, plan, { tagDigests: k.tagDigests, keptBlobs, useApi: k.api });
  return { items: found.items, tags: found.tags, bytes: found.bytes };
}

/**
 * Deletes (or, in a dry run, lists) the plan's referrers whose subject the run deleted — each
 * referrer of a referrer follows its parent. Children an index delete leaves untagged count as
 * deleted only when every digest of the plan went.
 */
export async function applyCleanupReferrers(src: ContentSource, plan: CleanupPlan, result: CleanupResult): Promise<CleanupResult['referrers']> {
  const items = plan.referrers?.items ?? [];
  if (items.length === 0) return undefined;
  const ok = new Set(result.deleted.filter((d) => d.ok).map((d) => d.digest));
  if (ok.size === plan.deleteDigests.length && result.notAttempted.length === 0) for (const c of plan.untaggedChildren) ok.add(c);
  const parent = new Map(items.map((i) => [i.digest, i.subject]));
  const rootOf = (digest: string): string => {
    let d = digest;
    for (let hops = 0; parent.has(d) && hops < 16; hops++) d = parent.get(d)!;
    return d;
  };
  const chosen = items.filter((i) => ok.has(rootOf(i.digest)));
  if (chosen.length === 0) return { deleted: [], error: null };
  if (result.dryRun) return { deleted: chosen.map((i) => i.digest), error: null };
  try {
    const tags = [...new Set(chosen.flatMap((i) => i.tags))].sort();
    const gone = await deleteReferrers(src, { repository: plan.repository, subject: '', items: chosen, tags, bytes: 0 });
    return { deleted: gone.deleted, error: null };
  } catch (err) {
    return { deleted: [], error: toWireError(err) };
  }
}
