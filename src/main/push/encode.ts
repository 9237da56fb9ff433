/**
 * One pass over a layer's stored bytes that yields what goes on the wire and computes, on the
 * way, both the wire digest and the diff ID (sha256 of the uncompressed tar) — the latter by
 * decompressing in parallel when the layer is stored compressed.
 */
import { createHash } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import { BerthError } from '../../shared/errors';
import { parallelGzip } from './parallel-gzip';
import type { LayerEncoding } from './manifest';

/** zlib level for layers Berth compresses: level 1 is as fast as it gets and within ~3 % of level 3's size. */
export const GZIP_LEVEL = 1;

/** How a layer's stored bytes become the wire bytes. */
export type EncodeMode = { kind: 'compress'; to: LayerEncoding } | { kind: 'verbatim'; stored: LayerEncoding };

/** Wire digest and size, and the diff ID when it could be computed (null: zstd without Node support). */
export interface EncodeResult {
  digest: string;
  size: number;
  diffId: string | null;
}

/** True when this Node can write zstd (Node 22.15+/23.8+; Node 20 cannot). */
export function hasZstd(): boolean {
  return typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function';
}

function hasZstdDecompress(): boolean {
  return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
}

/** Throws UNSUPPORTED when zstd output is asked for on a Node without zstd. */
export function assertEncodingSupported(to: LayerEncoding): void {
  if (to === 'zstd' && !hasZstd()) {
    throw new BerthError(
      'UNSUPPORTED',
      `zstd compression needs Node 22.15 or newer (this is Node ${process.versions.node}, whose zlib has no zstd). Choose gzip or none instead.`,
    );
  }
}

const hex = (h: ReturnType<typeof createHash>): string => `sha256:${h.digest('hex')}`;

async function* tap(source: AsyncIterable<Buffer>, raw: ReturnType<typeof createHash>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of source) {
    raw.update(chunk);
    n += chunk.length;
    onBytes(n);
    yield chunk;
  }
}

/** Pipes an async iterable through a zlib Transform, yielding its output (errors from either side surface). */
async function* through(input: AsyncIterable<Buffer>, t: Transform): AsyncGenerator<Buffer> {
  const feed = (async () => {
    for await (const c of input) if (!t.write(c)) await once(t, 'drain');
    t.end();
  })();
  feed.catch((err) => t.destroy(err as Error));
  for await (const c of t) yield c as Buffer;
  await feed;
}

/** Hashes the decompressed stream on the side, keeping to the wire stream's pace. */
class SideDecompressor {
  private readonly hash = createHash('sha256');
  private error: Error | null = null;
  private readonly done: Promise<void>;

  constructor(private readonly stream: Transform) {
    stream.on('data', (c: Buffer) => this.hash.update(c));
    this.done = new Promise((resolve) => {
      stream.on('end', resolve);
      stream.on('error', (err) => {
        this.error = err;
        resolve();
      });
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.error) return;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  async end(): Promise<string | Error> {
    if (!this.error) this.stream.end();
    await this.done;
    return this.error ?? hex(this.hash);
  }
}

/** Encodes one layer; iterate `output` to the end, then read `result`. */
export class LayerEncoder {
  result: EncodeResult | null = null;
  readonly output: AsyncGenerator<Buffer>;

  constructor(source: AsyncIterable<Buffer>, mode: EncodeMode, onSourceBytes: (n: number) => void, opts: { parallel?: number } = {}) {
    this.output = mode.kind === 'compress' ? this.compress(source, mode.to, onSourceBytes, opts.parallel) : this.verbatim(source, mode.stored, onSourceBytes);
  }

  private async *compress(source: AsyncIterable<Buffer>, to: LayerEncoding, onBytes: (n: number) => void, parallel?: number): AsyncGenerator<Buffer> {
    const raw = createHash('sha256');
    const input = tap(source, raw, onBytes);
    if (to === 'none') {
      let size = 0;
      for await (const c of input) {
        size += c.length;
        yield c;
      }
      const d = hex(raw);
      this.result = { digest: d, size, diffId: d };
      return;
    }
    assertEncodingSupported(to);
    const wire = createHash('sha256');
    let size = 0;
    const out =
      to === 'gzip'
        ? parallelGzip(input, { level: GZIP_LEVEL, parallel })
        : through(input, (zlib as unknown as { createZstdCompress(): Transform }).createZstdCompress());
    for await (const c of out) {
      wire.update(c);
      size += c.length;
      yield c;
    }
    this.result = { digest: hex(wire), size, diffId: hex(raw) };
  }

  private async *verbatim(source: AsyncIterable<Buffer>, stored: LayerEncoding, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
    const wire = createHash('sha256');
    let side: SideDecompressor | null = null;
    // Big output chunks: fewer thread-pool round trips and main-thread callbacks per layer.
    if (stored === 'gzip') side = new SideDecompressor(zlib.createGunzip({ chunkSize: 256 * 1024 }));
    else if (stored === 'zstd' && hasZstdDecompress()) {
      side = new SideDecompressor((zlib as unknown as { createZstdDecompress(): Transform }).createZstdDecompress());
    }
    let size = 0;
    for await (const c of tap(source, wire, onBytes)) {
      size += c.length;
      if (side) await side.write(c);
      yield c;
    }
    const digest = hex(wire);
    let diffId: string | null = stored === 'none' ? digest : null;
    if (side) {
      const r = await side.end();
      if (r instanceof Error) {
        throw new BerthError(
          'LAYER_DIGEST_MISMATCH',
          `A ${stored} layer of the archive (${digest}) does not decompress (${r.message}); the archive is damaged. Save the image again.`,
        );
      }
      diffId = r;
    }
    this.result = { digest, size, diffId };
  }
}

/**
 * Recycles chunk buffers: without it every 8 MiB chunk is fresh external memory that V8 frees
 * only at its next GC, and RSS climbs by tens of MB on fast uploads.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  constructor(readonly size: number) {}
  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.size);
  }
  /** Gives a buffer (or a view of one) from `get()` back once nothing refers to it any more. */
  put(buf: Buffer): void {
    if (buf.byteOffset !== 0 || buf.buffer.byteLength !== this.size || this.free.length >= 4) return;
    this.free.push(buf.length === this.size ? buf : Buffer.from(buf.buffer, 0, this.size));
  }
}

/** Cuts a stream of buffers into chunks of exactly `size` bytes (the last may be shorter, never empty unless the input is). */
export async function* rechunk(input: AsyncIterable<Buffer>, size: number, pool: ChunkPool = new ChunkPool(size)): AsyncGenerator<Buffer> {
  let buf = pool.get();
  let used = 0;
  for await (const c of input) {
    let off = 0;
    while (off < c.length) {
      const n = Math.min(size - used, c.length - off);
      c.copy(buf, used, off, off + n);
      used += n;
      off += n;
      if (used === size) {
        yield buf;
        buf = pool.get();
        used = 0;
      }
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

/** Reads ahead up to `depth` items of an async iterable so its producer keeps working while the consumer waits. */
export async function* readAhead<T>(input: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const it = input[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const pull = (): void => {
    const p = it.next();
    p.catch(() => undefined);
    queue.push(p);
  };
  try {
    pull();
    for (;;) {
      const r = await queue.shift()!;
      if (r.done) return;
      while (queue.length < depth) pull();
      yield r.value;
    }
  } finally {
    await it.return?.(undefined);
  }
}

/** Convenience for callers holding a Node stream. */
export function iterate(stream: Readable): AsyncIterable<Buffer> {
  return stream as AsyncIterable<Buffer>;
}
