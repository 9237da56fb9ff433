/**
 * Reads one layer as tar entries: stored bytes (resumable) → digest check → decompressor chosen
 * by magic bytes → tar-stream. Used whole by the indexer (which verifies the digest) and up to
 * one entry by file reads (which stop there: the rest of the layer is never fetched).
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { extract as Extract, Header } from 'tar-stream';
import { BerthError } from '../../shared/errors';
import { type Compression, decompressor, sniffCompression } from './decompress';
import { type FetchStats, type LayerRef, storedBytes } from './layer-source';

/** One entry as tar-stream hands it over: its header and a readable of its data. */
export type TarEntry = AsyncIterable<Buffer> & { header: Header; resume(): unknown };

/** Options of `readLayerTar`. */
export interface ReadLayerOptions {
  signal?: AbortSignal;
  /** Check the bytes against `ref.key` (only when the whole layer is read). */
  verify: boolean;
  /** Called for every entry with its position; return true to stop reading the layer there. */
  onEntry(entry: TarEntry, ordinal: number): Promise<boolean | void> | boolean | void;
  /** Stored and uncompressed bytes seen so far (called per chunk). */
  onBytes?(stored: number, tar: number): void;
  /** Refuse to expand beyond this many tar bytes (decompression bombs). */
  maxTarBytes?: number;
}

/** What a read found out about the layer. */
export interface ReadLayerResult {
  compression: Compression;
  storedBytes: number;
  tarBytes: number;
  /** The caller stopped before the end. */
  stopped: boolean;
  fetch: FetchStats;
}

let extractFactory: typeof Extract | null = null;

async function newExtract(): Promise<ReturnType<typeof Extract>> {
  extractFactory ??= ((await import('tar-stream')) as { extract: typeof Extract }).extract;
  // allowUnknownFormat: pre-POSIX (v7) headers occur in old base images.
  return extractFactory({ allowUnknownFormat: true } as Parameters<typeof Extract>[0]);
}

/** Maps a failure of the layer pipeline to a BerthError saying what happened to which layer. */
export function layerError(err: unknown, ref: LayerRef, signal?: AbortSignal): BerthError {
  if (signal?.aborted) return new BerthError('CANCELLED', `Reading ${ref.label} was cancelled.`);
  if (err instanceof BerthError) return err;
  const e = err as NodeJS.ErrnoException;
  const msg = e?.message ?? String(err);
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'ZSTD_error_corruption_detected') {
    return new BerthError('ARCHIVE_NOT_TAR', `${ref.label} could not be decompressed (${msg}): the blob is damaged. Push the image again.`);
  }
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of (file|data)/i.test(msg)) {
    return new BerthError('ARCHIVE_TRUNCATED', `${ref.label} ends in the middle of its data: the blob is incomplete. Push the image again.`);
  }
  if (/invalid tar header/i.test(msg)) return new BerthError('ARCHIVE_NOT_TAR', `${ref.label} is not a tar archive (${msg}), so it is not an image layer Berth can list.`);
  if (/header exceeds max size/i.test(msg)) return new BerthError('ARCHIVE_TOO_LARGE', `${ref.label} has a tar extended header larger than 4 MiB; Berth refuses it.`);
  if (e?.code === 'ENOENT' || e?.code === 'EACCES') return new BerthError('INVALID_ARGUMENT', `${ref.label} could not be read (${e.code}); was the archive moved or deleted? Open it again.`);
  return new BerthError('NETWORK', `Reading ${ref.label} failed (${e?.code ?? msg}). Check the connection and try again.`);
}

/** Counts (and caps, and optionally hashes) the uncompressed tar bytes. */
class TarTap extends Transform {
  bytes = 0;
  constructor(
    private readonly cap: number,
    private readonly hash: ReturnType<typeof createHash> | null,
    private readonly tooBig: () => Error,
    private readonly onChunk: () => void,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.cap) return cb(this.tooBig());
    this.hash?.update(chunk);
    this.onChunk();
    cb(null, chunk);
  }
}

/** Streams a layer's tar entries to `onEntry`; verifies the digest when asked and read to the end. */
export async function readLayerTar(ref: LayerRef, opts: ReadLayerOptions): Promise<ReadLayerResult> {
  const { signal } = opts;
  if (signal?.aborted) throw layerError(null, ref, signal);
  const fetch: FetchStats = { requests: 0, resumedAt: [] };
  const algorithm = ref.key.slice(0, ref.key.indexOf(':'));
  const storedHash = opts.verify && ref.verify === 'stored' ? createHash(algorithm) : null;
  const tarHash = opts.verify && ref.verify === 'tar' ? createHash(algorithm) : null;
  let stored = 0;
  const source = storedBytes(ref, signal, fetch);

  let compression: Compression;
  const head: Buffer[] = [];
  try {
    let headLen = 0;
    while (headLen < 6) {
      const r = await source.next();
      if (r.done) break;
      head.push(r.value);
      headLen += r.value.length;
    }
    if (headLen === 0) throw new BerthError('ARCHIVE_EMPTY', `${ref.label} is empty (0 bytes), so it holds no files.`);
    compression = sniffCompression(Buffer.concat(head), ref.label);
  } catch (err) {
    await source.return(undefined);
    throw layerError(err, ref, signal);
  }

  const account = (c: Buffer): Buffer => {
    stored += c.length;
    if (ref.size !== null && stored > ref.size) {
      throw new BerthError('DIGEST_MISMATCH', `${ref.label} is longer than the ${ref.size} bytes its descriptor says; the source altered it.`);
    }
    storedHash?.update(c);
    return c;
  };
  async function* counted(): AsyncGenerator<Buffer> {
    for (const c of head) yield account(c);
    for await (const c of source) yield account(c);
  }

  const cap = opts.maxTarBytes ?? Number.MAX_SAFE_INTEGER;
  const tap = new TarTap(
    cap,
    tarHash,
    () => new BerthError('ARCHIVE_TOO_LARGE', `${ref.label} expands to more than ${Math.round(cap / 2 ** 30)} GiB; Berth stops there (a decompression bomb?).`),
    () => opts.onBytes?.(stored, tap.bytes),
  );
  const ex = await newExtract();
  const decomp = decompressor(compression, ref.label);
  const stages = [Readable.from(counted(), { objectMode: false }), ...(decomp ? [decomp] : []), tap, ex] as unknown as Parameters<typeof pipeline>;
  const piping = (pipeline as (...s: unknown[]) => Promise<void>)(...stages, signal ? { signal } : {}).then(
    () => null,
    (err: unknown) => err,
  );

  let ordinal = 0;
  let stopped = false;
  try {
    for await (const item of ex as unknown as AsyncIterable<TarEntry>) {
      if (await opts.onEntry(item, ordinal++)) {
        stopped = true;
        break;
      }
      item.resume();
    }
  } catch (err) {
    const pipeErr = await piping;
    throw layerError(err instanceof BerthError ? err : (pipeErr ?? err), ref, signal);
  }
  const pipeErr = await piping;
  if (!stopped) {
    if (pipeErr) throw layerError(pipeErr, ref, signal);
    if (ref.size !== null && stored !== ref.size) {
      throw new BerthError('ARCHIVE_TRUNCATED', `${ref.label} ended after ${stored} of ${ref.size} bytes; the blob is incomplete. Try again, or push the image again.`);
    }
    const check = (hash: ReturnType<typeof createHash> | null, what: string): void => {
      if (!hash) return;
      const actual = `${algorithm}:${hash.digest('hex')}`;
      if (actual !== ref.key) {
        throw new BerthError('DIGEST_MISMATCH', `${ref.label} does not match its digest: expected ${ref.key}, the ${what} hash to ${actual}. The source altered the content; push the image again.`, {
          expected: ref.key,
          actual,
        });
      }
    };
    check(storedHash, 'stored bytes');
    check(tarHash, 'uncompressed bytes');
  }
  return { compression, storedBytes: stored, tarBytes: tap.bytes, stopped, fetch };
}
