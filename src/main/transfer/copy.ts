/**
 * Copying a tag — all its platforms, optionally its referrers — to another repository or
 * registry, and retagging. Blobs first (mounted inside one registry, streamed between
 * registries, skipped when the target has them), then manifests byte for byte so every digest
 * stays: children before their index, the tag, then referrers after their subject. A failed or
 * cancelled copy moves no tag.
 */
import { BerthError } from '../../shared/errors';
import { mapLimit } from '../../shared/limiter';
import type { RegistryClient } from '../registry/client';
import { digestOf } from '../registry/digest';
import { assertRepository, fetchManifest } from '../registry/manifest';
import { putManifest, type PutManifestOptions } from '../registry/manifest-put';
import { OCI_INDEX } from '../registry/media-types';
import { fetchFallbackIndex } from '../registry/referrers';
import { isValidTag } from '../../shared/reference';
import { DEFAULT_TIMINGS, RetryPolicy } from '../registry/retry';
import { UploadScope } from '../registry/upload-scope';
import type { ContentSource } from '../referrers/content';
import { copyBlob, type BlobCopyContext, type BlobOutcome } from './blob-copy';
import { resolveGraph, type GraphManifest, type PlatformChoice } from './graph';
import { fallbackIndexesFor } from './layout';
import { transferCancelled, TransferTracker, type TransferProgress } from './progress';

/** Where a copy goes. */
export interface CopyTarget {
  client: RegistryClient;
  repository: string;
  tag: string;
}

/** Options of copyImage. */
export interface CopyOptions {
  /** Default: every platform (the index as it is). */
  platforms?: PlatformChoice;
  withReferrers?: boolean;
  onProgress?: (p: TransferProgress) => void;
  /** Blobs copied at once (default 3). */
  concurrency?: number;
}

/** What copyImage did. */
export interface CopyResult {
  digest: string;
  manifests: number;
  blobs: Record<BlobOutcome, number>;
  bytesStreamed: number;
  /** Fallback index tags written on a target without the referrers API. */
  fallbackTags: string[];
}

/** A copy's clients have no retry interceptor: each manifest PUT (idempotent by reference) retries with the push's policy. */
function retried(client: RegistryClient, signal?: AbortSignal): PutManifestOptions {
  return { signal, policy: new RetryPolicy(client.config.host, DEFAULT_TIMINGS) };
}

/** Adds `descriptors` to the target's fallback index of `subject` (keeping what it lists already). */
async function mergeFallbackIndex(dst: CopyTarget, subject: string, descriptors: unknown[], signal: AbortSignal): Promise<string> {
  const prior = await fetchFallbackIndex(dst.client, dst.repository, subject, signal);
  const known = new Set(prior.descriptors.map((d) => d.digest));
  const fresh = descriptors.filter((d) => !known.has((d as { digest: string }).digest));
  const tag = subject.replace(':', '-');
  if (fresh.length === 0 && prior.digest) return tag;
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...prior.descriptors, ...fresh] }));
  await putManifest(dst.client, dst.repository, tag, { mediaType: OCI_INDEX, bytes, digest: digestOf(bytes) }, retried(dst.client, signal));
  return tag;
}

/** Copies `reference` of `src.repository` to `dst` (blobs, manifests, optionally referrers). */
export async function copyImage(src: ContentSource, reference: string, dst: CopyTarget, opts: CopyOptions = {}): Promise<CopyResult> {
  assertRepository(dst.repository);
  if (typeof dst.tag !== 'string' || !isValidTag(dst.tag)) throw new BerthError('INVALID_ARGUMENT', `"${String(dst.tag)}" is not a valid tag: up to 128 letters, digits, _ . - (not starting with . or -).`);
  const tracker = new TransferTracker(opts.onProgress);
  const uploads = new UploadScope(src.signal);
  const counts: Record<BlobOutcome, number> = { skipped: 0, mounted: 0, streamed: 0 };
  try {
    const source = { ...src, signal: uploads.signal };
    const graph = await resolveGraph(source, reference, { platforms: opts.platforms, withReferrers: opts.withReferrers });
    tracker.plan(graph.blobs, graph.manifests.length);
    tracker.phase('blobs');
    const ctx: BlobCopyContext = {
      source: { client: src.client, repository: src.repository },
      target: { client: dst.client, repository: dst.repository },
      sameRegistry: new URL(src.client.config.baseUrl).origin === new URL(dst.client.config.baseUrl).origin,
      signal: uploads.signal,
      hardSignal: uploads.hardSignal,
      open: uploads.open,
      tracker,
    };
    // Large blobs first, so the long transfers start early.
    const blobs = [...graph.blobs].sort((a, b) => b.size - a.size);
    await mapLimit(blobs, opts.concurrency ?? 3, async (b) => {
      if (uploads.signal.aborted) throw transferCancelled('copy');
      try {
        counts[await copyBlob(ctx, b)]++;
      } catch (err) {
        uploads.abort();
        throw err;
      }
    });
    tracker.phase('manifests');
    let subjectsUnprocessed = false;
    const put = async (m: GraphManifest, ref: string): Promise<void> => {
      if (uploads.signal.aborted) throw transferCancelled('copy');
      const r = await putManifest(dst.client, dst.repository, ref, m, retried(dst.client, uploads.signal));
      if (m.role === 'referrer' && m.subject && !r.subjectProcessed) subjectsUnprocessed = true;
    };
    for (const m of graph.manifests.filter((x) => x.role === 'child')) await put(m, m.digest).then(() => tracker.manifestDone());
    await put(graph.root, dst.tag);
    tracker.manifestDone();
    const fallbackTags: string[] = [];
    for (const m of graph.manifests.filter((x) => x.role === 'referrer')) {
      for (const ref of m.tags.length ? m.tags : [m.digest]) await put(m, ref);
      tracker.manifestDone();
    }
    for (const m of graph.manifests.filter((x) => x.role === 'fallback-index')) {
      const listed = (JSON.parse(m.bytes.toString('utf8')) as { manifests?: unknown[] }).manifests ?? [];
      fallbackTags.push(await mergeFallbackIndex(dst, m.subject!, listed, uploads.signal));
      tracker.manifestDone();
    }
    // Referrers that came through the source's API: a target without the API finds them only by the tag schema.
    if (subjectsUnprocessed) {
      for (const f of fallbackIndexesFor(graph)) {
        fallbackTags.push(await mergeFallbackIndex(dst, f.subject, (JSON.parse(f.bytes.toString('utf8')) as { manifests: unknown[] }).manifests, uploads.signal));
      }
    }
    tracker.phase('done');
    return { digest: graph.root.digest, manifests: graph.manifests.length, blobs: counts, bytesStreamed: tracker.p.bytesStreamed, fallbackTags };
  } catch (err) {
    const cancelled = src.signal?.aborted === true;
    await uploads.cancelOpen();
    tracker.phase(cancelled ? 'cancelled' : 'failed');
    throw cancelled ? transferCancelled('copy') : err;
  } finally {
    uploads.dispose();
  }
}

/** Puts the manifest of `reference` under `newTag` in the same repository: one GET, one PUT, no blob traffic. */
export async function retag(client: RegistryClient, repository: string, reference: string, newTag: string, signal?: AbortSignal): Promise<{ digest: string }> {
  if (typeof newTag !== 'string' || !isValidTag(newTag)) throw new BerthError('INVALID_ARGUMENT', `"${String(newTag)}" is not a valid tag: up to 128 letters, digits, _ . - (not starting with . or -).`);
  const m = await fetchManifest(client, repository, reference, signal);
  await putManifest(client, repository, newTag, m, retried(client, signal));
  return { digest: m.digest };
}
