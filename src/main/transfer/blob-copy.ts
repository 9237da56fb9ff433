/**
 * Getting one blob from a source repository into a target repository without holding it: it is
 * there already (HEAD), it can be mounted (same registry: no bytes move), or its GET body is cut
 * into chunks that go straight into an upload session (the registry's upload protocol, as pushes
 * use it), hashed on the way and committed only when the digest checks out. Memory: a few chunks
 * per blob in flight.
 */
import { createHash } from 'node:crypto';
import { BerthError } from '../../shared/errors';
import type { RegistryClient } from '../registry/client';
import { mapFailure } from '../registry/responses';
import { classify, DEFAULT_TIMINGS, RetryPolicy } from '../registry/retry';
import { headBlob, SessionLost, SessionRewind, UploadSession, type SessionContext } from '../registry/upload';
import { CHUNK_SIZE, sendChunks, type ChunkTail } from '../registry/upload-chunks';
import type { GraphBlob } from './graph';
import type { TransferTracker } from './progress';

/** What every blob of one copy shares. */
export interface BlobCopyContext {
  source: { client: RegistryClient; repository: string };
  target: { client: RegistryClient; repository: string };
  /** Same registry origin: blobs can be mounted across repositories. */
  sameRegistry: boolean;
  signal: AbortSignal;
  /** Cuts uploads in flight (a grace period after `signal`, as push does). */
  hardSignal: AbortSignal;
  /** Open sessions, DELETEd when the copy fails or is cancelled. */
  open: Set<UploadSession>;
  tracker: TransferTracker;
}

/** How a blob got there. */
export type BlobOutcome = 'skipped' | 'mounted' | 'streamed';

/** Refusals of a mount that mean "upload instead" (no read access to the source, mounts disabled). */
const MOUNT_REFUSED = new Set(['UNAUTHORIZED', 'DENIED', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'UNSUPPORTED']);

/** Tries of one blob whose stream broke (a fresh session each time). */
const BLOB_TRIES = 4;

function sessionCtx(ctx: BlobCopyContext): SessionContext {
  const policy = new RetryPolicy(ctx.target.client.config.host, DEFAULT_TIMINGS, undefined, ctx.signal);
  return { client: ctx.target.client, repository: ctx.target.repository, signal: ctx.signal, hardSignal: ctx.hardSignal, open: ctx.open, policy, onSent: () => undefined };
}

/** Copies one blob the cheapest way; DIGEST_MISMATCH when the source's bytes are not that blob. */
export async function copyBlob(ctx: BlobCopyContext, blob: GraphBlob): Promise<BlobOutcome> {
  if ((await headBlob(ctx.target.client, ctx.target.repository, blob.digest, ctx.signal)) !== null) {
    ctx.tracker.blobWithout('skipped', blob.size);
    return 'skipped';
  }
  let session: UploadSession | null = null;
  if (ctx.sameRegistry && ctx.source.repository !== ctx.target.repository) {
    try {
      const r = await UploadSession.start(sessionCtx(ctx), { digest: blob.digest, from: ctx.source.repository });
      if (r === 'mounted') {
        ctx.tracker.blobWithout('mounted', blob.size);
        return 'mounted';
      }
      // 202: the registry refused the mount but opened an upload: stream into it.
      session = r;
    } catch (err) {
      if (!(err instanceof BerthError && MOUNT_REFUSED.has(err.code))) throw err;
    }
  }
  for (let attempt = 1; ; attempt++) {
    let sent = 0;
    try {
      session ??= await openSession(ctx);
      await streamInto(ctx, blob, session, (n) => {
        sent += n;
        ctx.tracker.streamed(n);
      });
      ctx.tracker.blobDone();
      return 'streamed';
    } catch (err) {
      ctx.tracker.rewind(sent);
      const again = err instanceof SessionLost || err instanceof SessionRewind || (classify(err) !== 'final' && !ctx.signal.aborted);
      await session?.cancel();
      session = null;
      if (!again || attempt >= BLOB_TRIES) throw err instanceof SessionLost || err instanceof SessionRewind ? lost(ctx, blob) : err;
    }
  }
}

function lost(ctx: BlobCopyContext, blob: GraphBlob): BerthError {
  return new BerthError('BLOB_UPLOAD_INVALID', `${ctx.target.client.config.host} kept losing the upload of ${blob.digest} to ${ctx.target.repository}. Check the registry's storage and logs, then copy again.`);
}

async function openSession(ctx: BlobCopyContext): Promise<UploadSession> {
  const s = await UploadSession.start(sessionCtx(ctx));
  if (s === 'mounted') throw new BerthError('UNEXPECTED_RESPONSE', `${ctx.target.client.config.host} answered a plain upload request as a mount. The registry is not spec-compliant.`);
  return s;
}

/** One pass: GET from the source, PATCH full chunks, PUT the last with the digest once it checked out. */
async function streamInto(ctx: BlobCopyContext, blob: GraphBlob, session: UploadSession, onSent: (n: number) => void): Promise<void> {
  const [algorithm, expectedHex] = blob.digest.split(':');
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new BerthError('UNSUPPORTED', `Blob ${blob.digest} uses ${algorithm}; Berth copies sha256 and sha512 blobs.`);
  const { client, repository } = ctx.source;
  const res = await client.request({ method: 'GET', url: `/v2/${repository}/blobs/${blob.digest}`, scope: { repository, actions: ['pull'] }, signal: ctx.signal });
  const hash = createHash(algorithm);
  let tail: ChunkTail;
  try {
    tail = await sendChunks(res.body as AsyncIterable<Buffer>, Math.max(CHUNK_SIZE, session.minChunk), async () => session, {
      onChunk: (chunk, pos) => {
        hash.update(chunk);
        if (pos + chunk.length > blob.size) throw new BerthError('SIZE_INVALID', `The blob ${blob.digest} of ${repository} is larger than the ${blob.size} bytes its descriptor says.`);
      },
      onSent,
    });
  } catch (err) {
    res.body.destroy();
    throw err instanceof BerthError || err instanceof SessionLost || err instanceof SessionRewind ? err : mapFailure(err, res.url, ctx.signal);
  }
  const { last, pos } = tail;
  const actual = hash.digest('hex');
  if (actual !== expectedHex || pos + last.length !== blob.size) {
    throw new BerthError(
      'DIGEST_MISMATCH',
      `The blob ${blob.digest} of ${repository} came as ${pos + last.length} bytes hashing to ${algorithm}:${actual}; the source sent other content. Nothing was committed to ${ctx.target.repository}.`,
      { expected: blob.digest, actual: `${algorithm}:${actual}` },
    );
  }
  await session.finish(blob.digest, last, pos);
  onSent(last.length);
}
