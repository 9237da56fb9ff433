/**
 * The chunked part of a blob upload (distribution spec "Pushing a blob in chunks"): a byte stream
 * cut into PATCH-sized chunks sent as they come, the short last one kept for the closing PUT —
 * shared by pushes (bytes from an archive) and copies (bytes from another registry).
 */
import type { UploadSession } from './upload';

/** Bytes per PATCH (or the registry's OCI-Chunk-Min-Length when larger); a blob that fits one chunk costs POST + PUT. */
export const CHUNK_SIZE = 4 * 1024 * 1024;

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

/** What `sendChunks` leaves for the closing PUT: the short last chunk (not sent yet) and the offset it starts at. */
export interface ChunkTail {
  last: Buffer;
  pos: number;
}

/** Hooks of `sendChunks`. */
export interface SendChunksHooks {
  /** Sees every chunk, the last one too, before it is sent (hash it, bound it). */
  onChunk?(chunk: Buffer, pos: number): void;
  /** A full chunk was acknowledged. */
  onSent?(bytes: number): void;
}

/**
 * PATCHes every full chunk of `source` as it comes (the next one is read meanwhile) and keeps only
 * a short — hence final — chunk for the closing PUT, so memory stays at two chunks per blob.
 * `session` is asked for the upload when the first full chunk is ready (opened lazily by the caller).
 */
export async function sendChunks(source: AsyncIterable<Buffer>, chunkSize: number, session: () => Promise<UploadSession>, hooks: SendChunksHooks = {}): Promise<ChunkTail> {
  const pool = new ChunkPool(chunkSize);
  let last: Buffer = Buffer.alloc(0);
  let pos = 0;
  for await (const chunk of readAhead(rechunk(source, chunkSize, pool), 1)) {
    hooks.onChunk?.(chunk, pos);
    if (chunk.length < chunkSize) {
      last = chunk; // rechunk yields a short chunk only at the very end
      continue;
    }
    await (await session()).patch(chunk, pos);
    pos += chunk.length;
    hooks.onSent?.(chunk.length);
    pool.put(chunk);
  }
  return { last, pos };
}
