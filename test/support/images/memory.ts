/** In-memory layers and images for unit tests of the contents engine (indexer, merge, file reads, diff). */
import { Readable } from 'node:stream';
import type { ImageSource } from '../../../src/main/contents/image-source';
import type { LayerRef } from '../../../src/main/contents/layer-source';
import { sha256 } from '../digest';

/** A LayerRef over bytes in memory, counting how often it is opened. */
export function memoryLayer(blob: Buffer, opts: { key?: string; label?: string; chunk?: number; verify?: 'stored' | 'tar' } = {}): LayerRef & { opens: number; offsets: number[]; served: number } {
  const ref = {
    key: opts.key ?? sha256(blob),
    verify: opts.verify ?? ('stored' as const),
    digest: sha256(blob),
    diffId: null,
    size: blob.length,
    mediaType: null,
    label: opts.label ?? `test layer ${sha256(blob).slice(7, 19)}`,
    resumable: false,
    opens: 0,
    /** Offset of each open, and bytes handed out in total (read lazily, chunk by chunk). */
    offsets: [] as number[],
    served: 0,
    async open(offset: number) {
      ref.opens++;
      ref.offsets.push(offset);
      const step = opts.chunk ?? 64 * 1024;
      return Readable.from(
        (function* () {
          for (let at = offset; at < blob.length; at += step) {
            const part = blob.subarray(at, Math.min(blob.length, at + step));
            ref.served += part.length;
            yield part;
          }
        })(),
        { highWaterMark: 1 },
      );
    },
  };
  return ref;
}

/** An image source over layers held in memory (unit tests of the merge, file reads and diff). */
export function memoryImage(blobs: Buffer[], config: Record<string, unknown> = {}, label = 'memory image'): Omit<ImageSource, 'layers'> & { layers: ReturnType<typeof memoryLayer>[] } {
  const layers = blobs.map((b, i) => memoryLayer(b, { label: `layer ${i + 1} of ${label}` }));
  return { label, manifestDigest: null, configDigest: sha256(JSON.stringify(config)), config, platform: null, layers };
}
