/**
 * The push pipeline: open the archive, resolve targets, then three steps — plan (plan.ts), every
 * blob into every target repository (blobs.ts), and only then each manifest under each tag
 * (manifests.ts) — so a failed or cancelled push leaves no tag behind. Runs in the push worker,
 * or in-thread (CLI, tests).
 */
import { availableParallelism } from 'node:os';
import { BerthError } from '../../shared/errors';
import { outcomePhase } from '../../shared/push-phase';
import type { PushOutcome, PushProgress, PushRequest, PushedTag } from '../../shared/types';
import { openArchive } from '../archive/open-archive';
import type { OpenedArchive } from '../archive/types';
import { RegistryClient } from '../registry/client';
import { cancelled, DEFAULT_TIMINGS, RetryPolicy, type RetryTimings } from '../registry/retry';
import { piecesInterceptor, retryInterceptor } from '../registry/retry-interceptor';
import type { RegistryConfig } from '../registry/types';
import { UploadScope } from '../registry/upload-scope';
import type { PushContext } from './blob-push';
import { pushBlobs } from './blobs';
import { PushCache } from './cache';
import { assertEncodingSupported } from './encode';
import { pushManifests } from './manifests';
import { failedOutcome } from './outcome';
import type { GzipEngine } from './parallel-gzip';
import { planPush } from './plan';
import { ProgressTracker } from './progress';
import { parseTarget, resolveTargets } from './targets';
import { otherBlobJobs, verbatimIndexes } from './verbatim';

/** What to push where; the service fills it from a PushRequest and a registry profile. */
export interface PushJobInput {
  archivePath: string;
  fileName: string;
  registry: RegistryConfig;
  request: PushRequest;
}

/** A push as runPush (in the worker or in-thread) gets it: the input plus the push's id and the settings it runs under. */
export interface PushJob extends PushJobInput {
  pushId: string;
  cacheDir: string;
  /** Forces a gzip engine (BERTH_GZIP=zlib); default libdeflate when built. */
  gzip?: GzipEngine;
}

/**
 * With an explicit target, learns the registry's auth (and gets the push token) while the archive
 * is being read, so the first blob requests do not each meet the 401 challenge. Never rejects:
 * whatever went wrong, the blob requests meet it again and report it.
 */
async function warmUp(client: RegistryClient, job: PushJobInput, signal: AbortSignal): Promise<void> {
  if (!job.request.target) return;
  try {
    const { repository } = parseTarget(job.request.target, job.registry.host);
    const res = await client.request({ method: 'GET', url: '/v2/', scope: { repository, actions: ['pull', 'push'] }, signal, expect: [200, 401, 404] });
    await res.body.dump();
  } catch {
    // Reported by the real requests.
  }
}

/** Pushes according to `job` and resolves with the outcome (never rejects). */
export async function runPush(
  job: PushJob,
  opts: { signal?: AbortSignal; onProgress?: (p: PushProgress) => void; timings?: Partial<RetryTimings> } = {},
): Promise<PushOutcome> {
  const started = performance.now();
  const tracker = new ProgressTracker(job.pushId, (p) => opts.onProgress?.(p));
  const uploads = new UploadScope(opts.signal);
  const policy = new RetryPolicy(job.registry.host, { ...DEFAULT_TIMINGS, ...opts.timings }, (n) => tracker.setNotice(n), uploads.signal);
  let bytesUploaded = 0;
  let pushed: PushedTag[] = [];
  let archive: OpenedArchive | null = null;
  let client: RegistryClient | null = null;
  let cache: PushCache | null = null;
  const outcome = (error?: unknown): PushOutcome => {
    const sofar = { bytesUploaded, seconds: (performance.now() - started) / 1000 };
    return error === undefined ? { pushId: job.pushId, ok: true, pushed, ...sofar } : failedOutcome(job.pushId, error, sofar);
  };
  try {
    tracker.setPhase('reading');
    const compression = job.request.compression ?? 'gzip';
    if (!['gzip', 'none', 'zstd'].includes(compression)) {
      throw new BerthError('INVALID_ARGUMENT', `Unknown compression "${String(compression)}". Use gzip, none or zstd.`);
    }
    assertEncodingSupported(compression);
    client = new RegistryClient(job.registry, { interceptors: [piecesInterceptor(), retryInterceptor(policy)] });
    const warm = warmUp(client, job, uploads.signal);
    archive = await openArchive(job.archivePath, { signal: uploads.signal, displayName: job.fileName });
    const indexes = verbatimIndexes(archive, compression);
    const targets = resolveTargets(archive.images, job.request, job.registry.host, indexes);
    const pushedIndexes = indexes.filter((i) => targets.some((t) => t.index === i.digest));
    cache = await PushCache.open(job.cacheDir);
    await warm;
    const ctx: PushContext = {
      client,
      host: job.registry.host,
      cache,
      tracker,
      signal: uploads.signal,
      hardSignal: uploads.hardSignal,
      open: uploads.open,
      onSent: (n) => (bytesUploaded += n),
      gzip: { parallel: Math.max(1, Math.min(4, availableParallelism())), engine: job.gzip },
      policy,
    };
    const plans = planPush(archive, targets, compression, cache, tracker, uploads.signal);
    // Blobs of the pushed indexes' other children (buildx attestations), per repository they go to.
    const othersFor = (repository: string) => otherBlobJobs(archive!, pushedIndexes.filter((i) => targets.some((t) => t.repository === repository && t.index === i.digest)), uploads.signal);
    for (const j of otherBlobJobs(archive, pushedIndexes, uploads.signal)) tracker.addLayer(j.key, j.sourceSize);
    tracker.setPhase('blobs');
    const blobs = await pushBlobs(ctx, targets, plans, () => uploads.abort(), othersFor);
    tracker.setPhase('manifest');
    pushed = await pushManifests(ctx, targets, plans, blobs, pushedIndexes);
    await cache.save().catch(() => undefined);
    tracker.finish('done');
    return outcome();
  } catch (err) {
    const wasCancelled = opts.signal?.aborted === true;
    await uploads.cancelOpen();
    await cache?.save().catch(() => undefined);
    const out = outcome(wasCancelled ? cancelled() : policy.explain(err));
    tracker.finish(outcomePhase(out));
    return out;
  } finally {
    uploads.dispose();
    await archive?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
  }
}
