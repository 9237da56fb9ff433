/**
 * Copying a tag — all its platforms, optionally its referrers — to another repository or
 * registry, and retagging. Blobs first (mounted inside one registry, streamed between
 * registries, skipped when the target has them), then manifests byte for byte so every digest
 * stays: children before their index, the tag, then referrers after their subject. A failed or
 * cancelled copy moves no tag.
 */
import { createHash } from 'node:crypto';
import { BerthError } from '../../shared/errors';
import { DEFAULT_TIMINGS, RetryPolicy, withPolicy } from '../push/retry';
import type { UploadSession } from '../push/upload-session';
import type { RegistryClient } from '../registry/client';
import { assertRepository, fetchManifest } from '../registry/manifest';
import { OCI_INDEX } from '../registry/media-types';
import { fetchFallbackIndex } from '../registry/referrers';
import { isValidTag } from '../../shared/reference';
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

/** How long a cancelled copy lets a chunk in flight finish, so its session can still be DELETEd. */
const UPLOAD_GRACE_MS = 20_000;

/** PUTs manifest bytes under `reference`; checks the digest the registry reports; says whether it processed `subject`. */
export async function putManifestBytes(client: RegistryClient, repository: string, reference: string, m: { mediaType: string; bytes: Buffer; digest: string }, signal?: AbortSignal): Promise<{ subjectProcessed: boolean }> {
  return withPolicy(
    new RetryPolicy(client.config.host, DEFAULT_TIMINGS),
    async () => {
      const res = await client.request({
        method: 'PUT',
        url: `/v2/${repository}/manifests/${encodeURIComponent(reference)}`,
        scope: { repository, actions: ['pull', 'push'] },
        headers: { 'content-type': m.mediaType },
        body: m.bytes,
        signal,
        expect: [201, 200, 202],
      });
      await res.body.dump();
      const said = res.headers['docker-content-digest'];
      if (typeof said === 'string' && said && said !== m.digest) {
        throw new BerthError('DIGEST_MISMATCH', `${client.config.host} stored ${repository}:${reference} as ${said}, not ${m.digest}; the registry rewrote the manifest, so signatures no longer match it.`);
      }
      return { subjectProcessed: res.headers['oci-subject'] !== undefined };
    },
    signal,
  );
}

/** Adds `descriptors` to the target's fallback index of `subject` (keeping what it lists already). */
async function mergeFallbackIndex(dst: CopyTarget, subject: string, descriptors: unknown[], signal: AbortSignal): Promise<string> {
  const prior = await fetchFallbackIndex(dst.client, dst.repository, subject, signal);
  const known = new Set(prior.descriptors.map((d) => d.digest));
  const fresh = descriptors.filter((d) => !known.has((d as { digest: string }).digest));
  const tag = subject.replace(':', '-');
  if (fresh.length === 0 && prior.digest) return tag;
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...prior.descriptors, ...fresh] }));
  await putManifestBytes(dst.client, dst.repository, tag, { mediaType: OCI_INDEX, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` }, signal);
  return tag;
}

/**
 * Runs `fn` over `items`, at most `limit` at once, starting none after a failure and returning
 * only when every started one has settled — so the cleanup sees every upload session opened.
 * Throws the first failure that is not a cancellation it caused.
 */
async function eachSettled<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (errors.length) throw errors.find((e) => !(e instanceof BerthError && e.code === 'CANCELLED')) ?? errors[0];
}

/** Copies `reference` of `src.repository` to `dst` (blobs, manifests, optionally referrers). */
export async function copyImage(src: ContentSource, reference: string, dst: CopyTarget, opts: CopyOptions = {}): Promise<CopyResult> {
  assertRepository(dst.repository);
  if (typeof dst.tag !== 'string' || !isValidTag(dst.tag)) throw new BerthError('INVALID_ARGUMENT', `"${String(dst.tag)}" is not a valid tag: up to 128 letters, digits, _ . - (not starting with . or -).`);
  const tracker = new TransferTracker(opts.onProgress);
  const inner = new AbortController();
  const hard = new AbortController();
  let grace: NodeJS.Timeout | null = null;
  inner.signal.addEventListener('abort', () => (grace = setTimeout(() => hard.abort(), UPLOAD_GRACE_MS)), { once: true });
  const onOuter = (): void => inner.abort();
  src.signal?.addEventListener('abort', onOuter, { once: true });
  if (src.signal?.aborted) inner.abort();
  const open = new Set<UploadSession>();
  const counts: Record<BlobOutcome, number> = { skipped: 0, mounted: 0, streamed: 0 };
  try {
    const source = { ...src, signal: inner.signal };
    const graph = await resolveGraph(source, reference, { platforms: opts.platforms, withReferrers: opts.withReferrers });
    tracker.plan(graph.blobs, graph.manifests.length);
    tracker.phase('blobs');
    const ctx: BlobCopyContext = {
      source: { client: src.client, repository: src.repository },
      target: { client: dst.client, repository: dst.repository },
      sameRegistry: new URL(src.client.config.baseUrl).origin === new URL(dst.client.config.baseUrl).origin,
      signal: inner.signal,
      hardSignal: hard.signal,
      open,
      tracker,
    };
    // Large blobs first, so the long transfers start early.
    const blobs = [...graph.blobs].sort((a, b) => b.size - a.size);
    await eachSettled(blobs, opts.concurrency ?? 3, async (b) => {
      if (inner.signal.aborted) throw transferCancelled('copy');
      try {
        counts[await copyBlob(ctx, b)]++;
      } catch (err) {
        inner.abort();
        throw err;
      }
    });
    tracker.phase('manifests');
    let subjectsUnprocessed = false;
    const put = async (m: GraphManifest, ref: string): Promise<void> => {
      if (inner.signal.aborted) throw transferCancelled('copy');
      const r = await putManifestBytes(dst.client, dst.repository, ref, m, inner.signal);
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
      fallbackTags.push(await mergeFallbackIndex(dst, m.subject!, listed, inner.signal));
      tracker.manifestDone();
    }
    // Referrers that came through the source's API: a target without the API finds them only by the tag schema.
    if (subjectsUnprocessed) {
      for (const f of fallbackIndexesFor(graph)) {
        fallbackTags.push(await mergeFallbackIndex(dst, f.subject, (JSON.parse(f.bytes.toString('utf8')) as { manifests: unknown[] }).manifests, inner.signal));
      }
    }
    tracker.phase('done');
    return { digest: graph.root.digest, manifests: graph.manifests.length, blobs: counts, bytesStreamed: tracker.p.bytesStreamed, fallbackTags };
  } catch (err) {
    const cancelled = src.signal?.aborted === true;
    inner.abort();
    await Promise.all([...open].map((s) => s.cancel()));
    tracker.phase(cancelled ? 'cancelled' : 'failed');
    throw cancelled ? transferCancelled('copy') : err;
  } finally {
    src.signal?.removeEventListener('abort', onOuter);
    if (grace) clearTimeout(grace);
  }
}

/** Puts the manifest of `reference` under `newTag` in the same repository: one GET, one PUT, no blob traffic. */
export async function retag(client: RegistryClient, repository: string, reference: string, newTag: string, signal?: AbortSignal): Promise<{ digest: string }> {
  if (typeof newTag !== 'string' || !isValidTag(newTag)) throw new BerthError('INVALID_ARGUMENT', `"${String(newTag)}" is not a valid tag: up to 128 letters, digits, _ . - (not starting with . or -).`);
  const m = await fetchManifest(client, repository, reference, signal);
  await putManifestBytes(client, repository, newTag, m, signal);
  return { digest: m.digest };
}
