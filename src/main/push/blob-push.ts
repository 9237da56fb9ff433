/**
 * Getting one blob into one repository the cheapest way: it is already there (HEAD), it can be
 * mounted from a repository of the same registry where it was seen, or it is streamed up —
 * encoded and hashed in one pass, committed only after its diff ID checked out.
 */
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from '../registry/client';
import type { LayerEncoding } from '../registry/media-types';
import type { RetryPolicy } from '../registry/retry';
import { headBlob, SessionLost, SessionRewind, UploadSession, type SessionContext } from '../registry/upload';
import { CHUNK_SIZE, sendChunks } from '../registry/upload-chunks';
import type { PushCache } from './cache';
import { LayerEncoder, type EncodeMode, type EncodeResult, type GzipChoice } from './encode';
import type { ProgressTracker } from './progress';

const MAX_MOUNT_TRIES = 3;
/** New sessions one blob may need (the registry lost the previous one) before the push gives up. */
const MAX_RESTARTS = 4;
/** Times a blob is sent again after the registry computed another digest than Berth sent. */
const MAX_DAMAGED_RETRIES = 1;

/** Everything a blob push needs that is shared by the whole push. */
export interface PushContext {
  client: RegistryClient;
  host: string;
  cache: PushCache;
  tracker: ProgressTracker;
  signal: AbortSignal;
  /** Cuts uploads in flight (a grace period after `signal`; see SessionContext.hardSignal). */
  hardSignal: AbortSignal;
  open: Set<UploadSession>;
  /** Adds to the push's bytesUploaded. */
  onSent(bytes: number): void;
  /** Threads each gzip stream may use, and the engine when the settings force one. */
  gzip: GzipChoice;
  /** Waits, retries and the words for faults; shared with the client's retry interceptor. */
  policy: RetryPolicy;
}

/** One layer (or the config) to get into a repository. */
export interface BlobJob {
  /** Progress key (diff ID, or the digest for blobs without one). */
  key: string;
  /** How the bytes travel. */
  encoding: LayerEncoding;
  mode: EncodeMode;
  expectedDiffId: string | null;
  /** Wire digest when known without reading the blob (stored digest, uncompressed diff ID, cache hit). */
  knownDigest: string | null;
  /** Stored bytes, for progress and the monolithic/chunked choice. */
  sourceSize: number;
  /** Opens the stored bytes from the start. */
  open(): AsyncIterable<Buffer>;
  /** Where to remember the wire digest (layers only). */
  cacheKey: { diffId: string; encoding: string } | null;
}

/** A blob as the manifest will reference it. */
export interface PushedBlob {
  digest: string;
  size: number;
}

function sessionCtx(ctx: PushContext, repository: string): SessionContext {
  return { client: ctx.client, repository, signal: ctx.signal, hardSignal: ctx.hardSignal, open: ctx.open, policy: ctx.policy, onSent: ctx.onSent };
}

/** Tries to mount `digest` from repositories where it was seen; a session when the registry fell back to an upload. */
async function tryMount(ctx: PushContext, repository: string, digest: string): Promise<'mounted' | UploadSession | null> {
  const from = ctx.cache.seenIn(ctx.host, digest).filter((r) => r !== repository).slice(0, MAX_MOUNT_TRIES);
  for (const repo of from) {
    let r: UploadSession | 'mounted';
    try {
      r = await UploadSession.start(sessionCtx(ctx, repository), { digest, from: repo });
    } catch (err) {
      // The account may not be allowed to read the other repository (or it is gone): just upload.
      if (err instanceof BerthError && ['UNAUTHORIZED', 'DENIED', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'UNSUPPORTED'].includes(err.code)) continue;
      throw err;
    }
    if (r === 'mounted') return r;
    ctx.cache.forgetSeen(ctx.host, digest, repo);
    return r;
  }
  return null;
}

/** Pushes one blob into `repository` (skip, mount or upload) and reports its wire digest and size. */
export async function pushBlob(ctx: PushContext, repository: string, job: BlobJob): Promise<PushedBlob> {
  const { tracker } = ctx;
  let session: UploadSession | null = null;
  if (job.knownDigest) {
    tracker.setState(job.key, 'checking');
    const size = await headBlob(ctx.client, repository, job.knownDigest, ctx.signal);
    if (size !== null) {
      tracker.setState(job.key, 'exists', job.knownDigest);
      ctx.cache.addSeen(ctx.host, job.knownDigest, repository);
      return { digest: job.knownDigest, size };
    }
    const mounted = await tryMount(ctx, repository, job.knownDigest);
    if (mounted === 'mounted') {
      const size = await headBlob(ctx.client, repository, job.knownDigest, ctx.signal);
      if (size === null) throw new BerthError('BLOB_UNKNOWN', `${ctx.host} said it mounted ${job.knownDigest} into ${repository} but does not have it. Push again.`);
      tracker.setState(job.key, 'mounted', job.knownDigest);
      ctx.cache.addSeen(ctx.host, job.knownDigest, repository);
      return { digest: job.knownDigest, size };
    }
    session = mounted;
  }
  tracker.setState(job.key, job.mode.kind === 'compress' && job.mode.to !== 'none' ? 'compressing' : 'uploading');
  const result = await uploadWithRestarts(ctx, repository, job, session);
  tracker.setState(job.key, result.existed ? 'exists' : 'done', result.digest);
  if (job.cacheKey) ctx.cache.putLayer(job.cacheKey.diffId, job.cacheKey.encoding, { digest: result.digest, size: result.size });
  ctx.cache.addSeen(ctx.host, result.digest, repository);
  return { digest: result.digest, size: result.size };
}

/** What an upload pass produced; `existed` when the registry turned out to have the bytes before any was sent. */
type Uploaded = EncodeResult & { existed?: boolean };

async function uploadWithRestarts(ctx: PushContext, repository: string, job: BlobJob, first: UploadSession | null): Promise<Uploaded> {
  let session = first;
  let damaged = 0;
  for (let restart = 0; ; restart++) {
    try {
      return await uploadOnce(ctx, repository, job, session, (s) => (session = s));
    } catch (err) {
      if (err instanceof SessionRewind) {
        // Keep the session: the next pass recomputes the same bytes and skips what the registry holds.
      } else if (err instanceof SessionLost) {
        // Given up: DELETE it (a registry that already dropped it answers 404) and start this blob afresh.
        await session?.cancel();
        session = null;
      } else if (err instanceof BerthError && err.code === 'DIGEST_INVALID') {
        // The archive read checked out (diff ID and digest computed from the bytes read), yet the
        // registry hashed something else: the bytes were damaged between Berth and the registry.
        await session?.cancel();
        session = null;
        if (++damaged > MAX_DAMAGED_RETRIES) throw damagedOnTheWay(ctx, job, damaged, err);
        restart--;
      } else throw err;
      if (restart + 1 >= MAX_RESTARTS) {
        if (ctx.policy.cuts > 0) throw ctx.policy.cutError();
        throw new BerthError('BLOB_UPLOAD_INVALID', `${ctx.host} kept losing the upload of ${job.key} to ${repository}. Check the registry's storage and logs, then push again.`);
      }
    }
  }
}

function damagedOnTheWay(ctx: PushContext, job: BlobJob, times: number, err: BerthError): BerthError {
  return new BerthError(
    'DIGEST_INVALID',
    `${ctx.host} received different bytes for ${job.key} than Berth sent (${times} times; the archive read was intact): the data was damaged on the way. Check the network, proxy or antivirus between this machine and the registry, then push again. Nothing was tagged.`,
    { times, registry: err.detail },
  );
}

async function openSession(ctx: PushContext, repository: string): Promise<UploadSession> {
  const s = await UploadSession.start(sessionCtx(ctx, repository));
  if (s === 'mounted') throw new BerthError('UNEXPECTED_RESPONSE', `${ctx.host} answered a plain upload request as a mount. The registry is not spec-compliant.`);
  return s;
}

/** Session errors that mean "this upload is gone" rather than "the push is wrong". */
function lostSession(err: unknown): boolean {
  return err instanceof BerthError && (err.code === 'BLOB_UPLOAD_UNKNOWN' || err.code === 'BLOB_UPLOAD_INVALID');
}

async function uploadOnce(
  ctx: PushContext,
  repository: string,
  job: BlobJob,
  initial: UploadSession | null,
  keep: (s: UploadSession) => void,
): Promise<Uploaded> {
  let session = initial;
  const ensure = async (): Promise<UploadSession> => {
    if (!session) keep((session = await openSession(ctx, repository)));
    return session;
  };
  // Large blobs open the session first so the registry's OCI-Chunk-Min-Length shapes the chunks.
  if (job.sourceSize >= CHUNK_SIZE) await ensure();
  const chunkSize = Math.max(CHUNK_SIZE, session?.minChunk ?? 0);
  const enc = new LayerEncoder(job.open(), job.mode, (n) => ctx.tracker.setBytes(job.key, n), ctx.gzip);
  let uploading = false;
  try {
    const { last, pos } = await sendChunks(enc.output, chunkSize, async () => {
      const s = await ensure();
      if (!uploading) ctx.tracker.setState(job.key, 'uploading');
      uploading = true;
      return s;
    });
    const result = enc.result!;
    if (job.expectedDiffId && result.diffId && result.diffId !== job.expectedDiffId) {
      throw new BerthError(
        'LAYER_DIGEST_MISMATCH',
        `A layer's content (diff ID ${result.diffId}) does not match the ${job.expectedDiffId} its image config lists; the archive is damaged or was altered. Nothing was tagged; save the image again and retry.`,
        { expected: job.expectedDiffId, actual: result.diffId },
      );
    }
    if (!session && !job.knownDigest && (await headBlob(ctx.client, repository, result.digest, ctx.signal)) !== null) {
      // Nothing sent yet and the registry already has these exact bytes (gzip here is deterministic).
      return { ...result, existed: true };
    }
    const s = await ensure();
    try {
      await s.finish(result.digest, last, pos);
    } catch (err) {
      if (!(err instanceof SessionLost) && !lostSession(err)) throw err;
      // The closing PUT may have landed before its answer was lost.
      if ((await headBlob(ctx.client, repository, result.digest, ctx.signal)) !== null) return result;
      throw new SessionLost();
    }
    return result;
  } catch (err) {
    if (lostSession(err)) throw new SessionLost();
    throw err;
  }
}
