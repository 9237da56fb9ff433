/**
 * Where a layer's stored bytes come from (a registry blob, an archive entry), and the stream of
 * those bytes that survives a dropped connection: after a failure mid-body it asks again with
 * `Range: bytes=<received>-` (RFC 9110 §14.2) and carries on where it stopped.
 */
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';

/** One layer of an image, wherever it is stored. */
export interface LayerRef {
  /** Cache key of its file index: the digest the bytes are verified against on the way. */
  key: string;
  /** What `key` is the digest of: the stored bytes (a blob digest) or the uncompressed tar (a diff ID). */
  verify: 'stored' | 'tar';
  /** Digest of the stored bytes, when known. */
  digest: string | null;
  /** Digest of the uncompressed tar (from the config's rootfs.diff_ids), when known. */
  diffId: string | null;
  /** Stored size, when known (a registry descriptor's or an archive entry's). */
  size: number | null;
  mediaType: string | null;
  /** For messages: "layer 2 (sha256:1234abcd…) of 127.0.0.1:5000/app:1". */
  label: string;
  /** Whether `open(offset > 0)` is worth trying after a failure (network sources). */
  resumable: boolean;
  /** The stored bytes from `offset` on. */
  open(offset: number, signal?: AbortSignal): Promise<Readable>;
}

/** Tries per gap in progress; a connection that keeps dying at the same byte gives up after this. */
const MAX_STALLED_RETRIES = 3;
/** Tries in total, however much each one progressed. */
const MAX_RETRIES = 20;

/** Reports how the stored bytes were fetched. */
export interface FetchStats {
  /** Requests made for this read (1 without any resume). */
  requests: number;
  /** Offsets resumed from, in order. */
  resumedAt: number[];
}

function retryable(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (err instanceof BerthError) return err.code === 'NETWORK' || err.code === 'TIMEOUT' || err.code === 'SERVER_ERROR';
  const e = err as { name?: string; code?: string };
  return e?.name !== 'AbortError' && e?.code !== 'ABORT_ERR';
}

const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** The stored bytes of a layer as chunks, resuming with a ranged request when a network source drops. */
export async function* storedBytes(ref: LayerRef, signal: AbortSignal | undefined, stats: FetchStats): AsyncGenerator<Buffer> {
  let got = 0;
  let stalled = 0;
  let lastFailureAt = -1;
  for (let attempt = 0; ; attempt++) {
    let body: Readable | null = null;
    try {
      stats.requests++;
      if (attempt > 0) stats.resumedAt.push(got);
      body = await ref.open(got, signal);
      for await (const chunk of body as AsyncIterable<Buffer>) {
        got += chunk.length;
        yield chunk;
      }
      // A body that ends early without an error (a proxy that closed cleanly) is a drop too.
      if (ref.resumable && ref.size !== null && got < ref.size) throw new BerthError('NETWORK', `The connection closed after ${got} of ${ref.size} bytes of ${ref.label}.`);
      return;
    } catch (err) {
      body?.destroy();
      if (!ref.resumable || !retryable(err, signal)) throw err;
      stalled = got === lastFailureAt ? stalled + 1 : 0;
      lastFailureAt = got;
      if (stalled >= MAX_STALLED_RETRIES || attempt + 1 >= MAX_RETRIES) throw err;
      await delay(Math.min(2000, 100 * 2 ** stalled), signal);
      if (signal?.aborted) throw new BerthError('CANCELLED', `Reading ${ref.label} was cancelled.`);
    }
  }
}

/** Drops the first `n` bytes of a stream (a server that ignored `Range` sent the whole blob again). */
export async function* skipBytes(body: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let left = n;
  for await (const chunk of body) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}
