/** What a cleanup plan deletes, as the registry index's reclaim selection (one item per digest). */
import type { CleanupPlan } from '../../shared/cleanup-types';
import type { ReclaimItem } from '../../shared/index-types';

const cache = new WeakMap<CleanupPlan, ReclaimItem[]>();

/** The plan's digests; the same array for the same plan, so the estimate's query stays put. */
export function cleanupSelection(plan: CleanupPlan): ReclaimItem[] {
  let s = cache.get(plan);
  if (!s) cache.set(plan, (s = plan.deleteDigests.map((d) => ({ repository: plan.repository, digest: d.digest }))));
  return s;
}
