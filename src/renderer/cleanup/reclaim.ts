/** What a cleanup plan deletes, as the registry index's reclaim selection (one item per digest). */
import type { CleanupPlan } from '../../shared/cleanup-types';
import type { ReclaimItem } from '../../shared/index-types';

const cache = new WeakMap<CleanupPlan, ReclaimItem[]>();

/** The plan's digests, its referrers' included; the same array for the same plan, so the estimate's query stays put. */
export function cleanupSelection(plan: CleanupPlan): ReclaimItem[] {
  let s = cache.get(plan);
  if (!s) {
    // Signatures and SBOMs go with their images, so their bytes belong in the figure.
    const digests = [...plan.deleteDigests.map((d) => d.digest), ...(plan.referrers?.items ?? []).map((r) => r.digest)];
    cache.set(plan, (s = [...new Set(digests)].map((digest) => ({ repository: plan.repository, digest }))));
  }
  return s;
}
