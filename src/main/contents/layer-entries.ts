/**
 * Reads the data of chosen entries of one layer. A compressed layer is streamed from its start
 * and dropped as soon as the last wanted entry has been read (nothing after it is fetched); in
 * an uncompressed layer each entry is read directly at its offset (one ranged read per file).
 */
import type { Readable } from 'node:stream';
import { BerthError } from '../../shared/errors';
import { cleanPath } from './entry-kinds';
import type { LayerIndex } from './layer-index';
import type { LayerRef } from './layer-source';
import { layerError, readLayerTar } from './layer-stream';

/** Up to this many entries of an uncompressed layer are read by offset; more are cheaper in one pass. */
const RANGED_READS = 16;

/** Exactly `n` bytes of a stream, which is closed afterwards. */
async function* take(stream: Readable, n: number, ref: LayerRef): AsyncGenerator<Buffer> {
  let left = n;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (left <= 0) break;
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      yield part;
      if (left === 0) break;
    }
  } finally {
    stream.destroy();
  }
  if (left > 0) throw new BerthError('ARCHIVE_TRUNCATED', `${ref.label} ended before a file it lists was complete; the blob changed since it was indexed.`);
}

/**
 * Calls `onData` with the bytes of each wanted entry (ordinals, ascending) of a layer; `onData`
 * must consume the iterable before returning.
 */
export async function readEntries(
  ref: LayerRef,
  index: LayerIndex,
  wanted: number[],
  onData: (ordinal: number, data: AsyncIterable<Buffer>) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (wanted.length === 0) return;
  if (index.meta.compression === 'none' && wanted.length <= RANGED_READS) {
    for (const ord of wanted) {
      let stream: Readable;
      try {
        stream = await ref.open(index.dataOffset[ord], signal);
      } catch (err) {
        throw layerError(err, ref, signal);
      }
      await onData(ord, take(stream, index.size[ord], ref));
    }
    return;
  }
  let next = 0;
  const result = await readLayerTar(ref, {
    signal,
    verify: false,
    onEntry: async (entry, ord) => {
      if (ord !== wanted[next]) return false;
      // The layer is immutable by digest; a source that now sends something else is refused.
      if (cleanPath(entry.header.name) !== cleanPath(index.path(ord)) || (entry.header.size ?? 0) !== index.size[ord]) {
        throw new BerthError('DIGEST_MISMATCH', `${ref.label} no longer matches its file index (entry ${ord} is ${entry.header.name}, expected ${index.path(ord)}); the source altered the layer.`);
      }
      await onData(ord, entry);
      next++;
      return next === wanted.length;
    },
  });
  if (!result.stopped) throw new BerthError('ARCHIVE_TRUNCATED', `${ref.label} ended before entry ${wanted[next]} (${index.path(wanted[next])}); the layer changed since it was indexed.`);
}
