/**
 * Parallel gzip, pigz-style: the input is cut into fixed blocks, each deflated on the libuv
 * thread pool with the previous 32 KiB as dictionary and ended with a sync flush, so the
 * concatenation is one ordinary gzip member. Output is deterministic for a given input, level
 * and block size, which lets an interrupted upload be resumed by recompressing and skipping.
 */
import { availableParallelism } from 'node:os';
import { constants, crc32, deflateRaw, type ZlibOptions } from 'node:zlib';

/** Bytes of input per independently compressed block. */
export const GZIP_BLOCK = 1 << 20;
const WINDOW = 32 * 1024;
/** RFC 1952 header: deflate, no name, mtime 0, OS unknown (255) — fixed so output is reproducible. */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** An empty final fixed-Huffman block: closes the deflate stream after the sync-flushed blocks. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * Process-wide cap on blocks being deflated: one per core. Every stream shares it, so the libuv
 * pool (4 threads) always keeps threads free for the file reads that feed the compressors.
 */
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as (() => void)[] };

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

function deflateBlock(block: Buffer, dictionary: Buffer | undefined, level: number): Promise<Buffer> {
  // memLevel 9: a few percent faster than the default 8 at level 1, same output size.
  // chunkSize ≥ deflate's worst case: the block compresses in one thread-pool pass instead of one
  // pass (and one main-thread callback) per 16 KiB of output.
  const opts: ZlibOptions = { level, memLevel: 9, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: block.length + (block.length >> 8) + 1024 };
  if (dictionary) opts.dictionary = dictionary;
  return new Promise((resolve, reject) => deflateRaw(block, opts, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Options of parallelGzip. */
export interface ParallelGzipOptions {
  level?: number;
  /** Blocks compressed at once (each takes a thread-pool thread). */
  parallel?: number;
  blockSize?: number;
}

/** Compresses an async stream of buffers to gzip, using several threads; yields compressed buffers in order. */
export async function* parallelGzip(source: AsyncIterable<Buffer>, opts: ParallelGzipOptions = {}): AsyncGenerator<Buffer> {
  const level = opts.level ?? 1;
  const parallel = Math.max(1, opts.parallel ?? 2);
  const blockSize = opts.blockSize ?? GZIP_BLOCK;
  let crc = 0;
  let total = 0;
  let prev: Buffer | undefined;
  const inflight: Promise<Buffer>[] = [];
  let fill = Buffer.allocUnsafe(blockSize);
  let used = 0;

  const launch = (block: Buffer): void => {
    const dict = prev ? prev.subarray(Math.max(0, prev.length - WINDOW)) : undefined;
    const p = withSlot(() => deflateBlock(block, dict, level));
    // A rejection is observed when the block is awaited; avoid an unhandled-rejection warning meanwhile.
    p.catch(() => undefined);
    inflight.push(p);
    prev = block;
  };

  yield HEADER;
  try {
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      total += chunk.length;
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(blockSize - used, chunk.length - off);
        chunk.copy(fill, used, off, off + n);
        used += n;
        off += n;
        if (used === blockSize) {
          launch(fill);
          fill = Buffer.allocUnsafe(blockSize);
          used = 0;
          while (inflight.length >= parallel) yield await inflight.shift()!;
        }
      }
    }
    if (used > 0) launch(fill.subarray(0, used));
    while (inflight.length) yield await inflight.shift()!;
  } finally {
    inflight.length = 0;
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  yield Buffer.concat([FINAL_BLOCK, trailer]);
}
