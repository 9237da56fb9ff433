/**
 * One pass over a layer's stored bytes that yields what goes on the wire and computes, on the
 * way, both the wire digest and the diff ID (sha256 of the uncompressed tar) — the latter by
 * decompressing in parallel when the layer is stored compressed.
 */
import { createHash } from 'node:crypto';
import type { Transform } from 'node:stream';
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import { BerthError } from '../../shared/errors';
import { parallelGzip, type GzipEngine } from './parallel-gzip';
import type { LayerEncoding } from '../registry/media-types';

/** zlib level for layers Berth compresses: level 1 is as fast as it gets and within ~3 % of level 3's size. */
export const GZIP_LEVEL = 1;

/** How a layer's stored bytes become the wire bytes. */
export type EncodeMode = { kind: 'compress'; to: LayerEncoding } | { kind: 'verbatim'; stored: LayerEncoding };

/** How gzip layers are compressed: threads per stream, and the engine when the settings force one (BERTH_GZIP=zlib). */
export interface GzipChoice {
  parallel?: number;
  engine?: GzipEngine;
}

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

  constructor(source: AsyncIterable<Buffer>, mode: EncodeMode, onSourceBytes: (n: number) => void, opts: GzipChoice = {}) {
    this.output = mode.kind === 'compress' ? this.compress(source, mode.to, onSourceBytes, opts) : this.verbatim(source, mode.stored, onSourceBytes);
  }

  private async *compress(source: AsyncIterable<Buffer>, to: LayerEncoding, onBytes: (n: number) => void, gzip: GzipChoice): AsyncGenerator<Buffer> {
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
        ? parallelGzip(input, { level: GZIP_LEVEL, parallel: gzip.parallel, engine: gzip.engine })
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
