/**
 * The push's middle step: every blob of every target into its repository before any manifest —
 * repository by repository, so later ones can mount from earlier ones — a few at a time.
 */
import { mapLimit } from '../../shared/limiter';
import { cancelled } from '../registry/retry';
import { pushBlob, type BlobJob, type PushContext, type PushedBlob } from './blob-push';
import type { ImagePlan } from './plan';
import type { PushTarget } from './targets';

/** Blobs pushed at once within one push. */
export const BLOB_CONCURRENCY = 3;

/** Per repository, what each blob (by progress key) became there. */
export type PushedBlobs = Map<string, Map<string, PushedBlob>>;

/**
 * Pushes the config and layer blobs of every target (and `extra` ones: blobs of index children
 * that are no images); the first failure cancels the rest (`abort`) and is thrown.
 */
export async function pushBlobs(ctx: PushContext, targets: PushTarget[], plans: Map<number, ImagePlan>, abort: () => void, extra: (repository: string) => BlobJob[] = () => []): Promise<PushedBlobs> {
  const results: PushedBlobs = new Map();
  for (const repository of new Set(targets.map((t) => t.repository))) {
    const jobs = new Map<string, BlobJob>();
    for (const t of targets.filter((x) => x.repository === repository)) {
      const plan = plans.get(t.imageIndex)!;
      jobs.set(plan.config.key, plan.config);
      for (const l of plan.layers) if (l.kind === 'blob') jobs.set(l.job.key, l.job);
    }
    for (const j of extra(repository)) jobs.set(j.key, j);
    const got = new Map<string, PushedBlob>();
    results.set(repository, got);
    // Big blobs first keeps the CPU busy while small ones slip through. All start in parallel:
    // the client retries each request that met the auth challenge without credentials.
    const ordered = [...jobs.values()].sort((a, b) => b.sourceSize - a.sourceSize);
    await mapLimit(ordered, BLOB_CONCURRENCY, async (j) => {
      if (ctx.signal.aborted) throw cancelled();
      try {
        got.set(j.key, await pushBlob(ctx, repository, j));
      } catch (err) {
        ctx.tracker.setState(j.key, 'failed');
        abort();
        throw err;
      }
    });
  }
  return results;
}
