/**
 * The push pipeline: open the archive, resolve targets, get every blob into every target
 * repository (bounded concurrency), and only then PUT the manifest under each tag — so a failed
 * or cancelled push leaves no tag behind. Runs in the push worker, or in-thread (CLI, tests).
 */
import { availableParallelism } from 'node:os';
import { BerthError, toWireError } from '../../shared/errors';
import { outcomePhase } from '../../shared/push-phase';
import type { PushOutcome, PushProgress, PushRequest, PushedTag } from '../../shared/types';
import { openArchive } from '../archive/index';
import type { OpenedArchive } from '../archive/types';
import { RegistryClient } from '../registry/client';
import type { RegistryConfig } from '../registry/types';
import { pushBlob, type PushContext } from './blob-push';
import { PushCache } from './cache';
import { assertEncodingSupported } from './encode';
import { buildManifest, type BuiltManifest } from './manifest';
import { layerDescriptors, planImage, type ImagePlan } from './plan';
import { ProgressTracker } from './progress';
import { cancelled, DEFAULT_TIMINGS, RetryPolicy, type RetryTimings } from './retry';
import { piecesInterceptor, retryInterceptor } from './retry-interceptor';
import { parseTarget, resolveTargets } from './targets';
import type { UploadSession } from './upload-session';

/** What to push where; the service fills it from a PushRequest and a registry profile. */
export interface PushJobInput {
  archivePath: string;
  fileName: string;
  registry: RegistryConfig;
  request: PushRequest;
}

/** How long a cancelled push lets a chunk in flight finish (so its session can still be DELETEd). */
export const UPLOAD_GRACE_MS = 20_000;

/** Blobs pushed at once within one push. */
export const BLOB_CONCURRENCY = 3;

/** Runs `fn` over `items` with at most `limit` at once; the first failure wins and stops new starts. */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  // Report the cause, not the cancellations it triggered in sibling uploads.
  const real = errors.find((e) => !(e instanceof BerthError && e.code === 'CANCELLED')) ?? errors[0];
  if (errors.length) throw real;
}

/** PUTs the manifest under `tag` (idempotent: the client's retry interceptor retries it). */
async function putManifest(ctx: PushContext, repository: string, tag: string, m: BuiltManifest): Promise<void> {
  const res = await ctx.client.request({
    method: 'PUT',
    url: `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
    scope: { repository, actions: ['pull', 'push'] },
    headers: { 'content-type': m.mediaType },
    body: m.bytes,
    signal: ctx.signal,
    expect: [201, 200, 202],
  });
  await res.body.dump();
  const said = res.headers['docker-content-digest'];
  if (typeof said === 'string' && said && said !== m.digest) {
    throw new BerthError('DIGEST_MISMATCH', `${ctx.host} stored ${repository}:${tag} as ${said}, not ${m.digest}. The registry may have rewritten the manifest; check the tag with skopeo inspect.`);
  }
}

/** Registries reject foreign layers unless told to trust their URLs: say so instead of "missing blob". */
function foreignRefused(err: BerthError, foreign: ImagePlan['layers']): BerthError {
  const what = foreign.map((l) => (l.kind === 'foreign' ? `${l.descriptor.digest}${l.descriptor.urls?.length ? ` (${l.descriptor.urls[0]})` : ''}` : '')).join(', ');
  return new BerthError(
    err.code,
    `The registry refused the manifest because of its foreign (non-distributable) layer ${what}, which Berth does not upload. Allow those URLs on the registry (distribution: validation.manifests.urls.allow), or rebuild the image without foreign layers. (${err.message})`,
    err.detail,
  );
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
  job: PushJobInput & { pushId: string; cacheDir: string },
  opts: { signal?: AbortSignal; onProgress?: (p: PushProgress) => void; timings?: Partial<RetryTimings> } = {},
): Promise<PushOutcome> {
  const started = performance.now();
  const tracker = new ProgressTracker(job.pushId, (p) => opts.onProgress?.(p));
  const inner = new AbortController();
  const hard = new AbortController();
  const policy = new RetryPolicy(job.registry.host, { ...DEFAULT_TIMINGS, ...opts.timings }, (n) => tracker.setNotice(n), inner.signal);
  let graceTimer: NodeJS.Timeout | null = null;
  inner.signal.addEventListener('abort', () => (graceTimer = setTimeout(() => hard.abort(), UPLOAD_GRACE_MS)), { once: true });
  const onOuterAbort = (): void => inner.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (opts.signal?.aborted) inner.abort();
  const open = new Set<UploadSession>();
  let bytesUploaded = 0;
  const pushed: PushedTag[] = [];
  let archive: OpenedArchive | null = null;
  let client: RegistryClient | null = null;
  let cache: PushCache | null = null;
  const outcome = (error?: unknown): PushOutcome => ({
    pushId: job.pushId,
    ok: error === undefined,
    pushed: error === undefined ? pushed : [],
    ...(error !== undefined ? { error: toWireError(error) } : {}),
    bytesUploaded,
    seconds: (performance.now() - started) / 1000,
  });
  try {
    tracker.setPhase('reading');
    const compression = job.request.compression ?? 'gzip';
    if (!['gzip', 'none', 'zstd'].includes(compression)) {
      throw new BerthError('INVALID_ARGUMENT', `Unknown compression "${String(compression)}". Use gzip, none or zstd.`);
    }
    assertEncodingSupported(compression);
    client = new RegistryClient(job.registry, { interceptors: [piecesInterceptor(), retryInterceptor(policy)] });
    const warm = warmUp(client, job, inner.signal);
    archive = await openArchive(job.archivePath, { signal: inner.signal, displayName: job.fileName });
    const targets = resolveTargets(archive.images, job.request, job.registry.host);
    cache = await PushCache.open(job.cacheDir);
    await warm;
    const ctx: PushContext = {
      client,
      host: job.registry.host,
      cache,
      tracker,
      signal: inner.signal,
      hardSignal: hard.signal,
      open,
      onSent: (n) => (bytesUploaded += n),
      gzipParallel: Math.max(1, Math.min(4, availableParallelism())),
      policy,
    };
    const plans = new Map<number, ImagePlan>();
    for (const t of targets) {
      if (plans.has(t.imageIndex)) continue;
      const image = archive.images.find((i) => i.index === t.imageIndex)!;
      const plan = planImage(archive, image, compression, cache, inner.signal);
      plans.set(t.imageIndex, plan);
      tracker.addLayer(plan.config.key, plan.config.sourceSize);
      for (const l of plan.layers) if (l.kind === 'blob') tracker.addLayer(l.job.key, l.job.sourceSize);
    }
    tracker.setPhase('blobs');
    // Blobs of every target first (repository by repository, so later ones can mount from earlier ones).
    const results = new Map<string, Map<string, { digest: string; size: number }>>();
    const repos = [...new Set(targets.map((t) => t.repository))];
    for (const repository of repos) {
      const jobs = new Map<string, ImagePlan['config']>();
      for (const t of targets.filter((x) => x.repository === repository)) {
        const plan = plans.get(t.imageIndex)!;
        jobs.set(plan.config.key, plan.config);
        for (const l of plan.layers) if (l.kind === 'blob') jobs.set(l.job.key, l.job);
      }
      const got = new Map<string, { digest: string; size: number }>();
      results.set(repository, got);
      // Big blobs first keeps the CPU busy while small ones slip through. All start in parallel:
      // the client retries each request that met the auth challenge without credentials.
      const ordered = [...jobs.values()].sort((a, b) => b.sourceSize - a.sourceSize);
      const one = async (j: (typeof ordered)[number]): Promise<void> => {
        if (inner.signal.aborted) throw cancelled();
        try {
          got.set(j.key, await pushBlob(ctx, repository, j));
        } catch (err) {
          tracker.setState(j.key, 'failed');
          if (!inner.signal.aborted) inner.abort();
          throw err;
        }
      };
      await eachLimit(ordered, BLOB_CONCURRENCY, one);
    }
    tracker.setPhase('manifest');
    for (const t of targets) {
      const plan = plans.get(t.imageIndex)!;
      const got = results.get(t.repository)!;
      const config = got.get(plan.config.key)!;
      const manifest = buildManifest(plan.format, config, layerDescriptors(plan, got));
      const foreign = plan.layers.filter((l) => l.kind === 'foreign');
      for (const tag of t.tags) {
        if (inner.signal.aborted) throw cancelled();
        await putManifest(ctx, t.repository, tag, manifest).catch((err: unknown) => {
          throw foreign.length && err instanceof BerthError && /^MANIFEST_|UNEXPECTED_RESPONSE|SERVER_ERROR/.test(err.code) ? foreignRefused(err, foreign) : err;
        });
        pushed.push({ repository: t.repository, tag, digest: manifest.digest });
      }
    }
    await cache.save().catch(() => undefined);
    tracker.finish('done');
    return outcome();
  } catch (err) {
    const wasCancelled = opts.signal?.aborted === true;
    inner.abort();
    await Promise.all([...open].map((s) => s.cancel()));
    await cache?.save().catch(() => undefined);
    const out = outcome(wasCancelled ? cancelled() : policy.explain(err));
    tracker.finish(outcomePhase(out));
    return out;
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (graceTimer) clearTimeout(graceTimer);
    await archive?.close().catch(() => undefined);
    await client?.close().catch(() => undefined);
  }
}
