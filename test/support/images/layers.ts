/**
 * The one layer builder of test code: a tar of entries (see tar.ts), stored as is, gzip, or
 * behind the zstd magic; and the deterministic pseudo-random bytes test layers are filled with.
 */
import { createCipheriv } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { hexOf, sha256 } from '../digest';
import { ociLayerType, type LayerCompression } from './media-types';
import { L, tarBytes, type TarEntry } from './tar';

export { L, MTIME, type TarEntry } from './tar';
export type { LayerCompression } from './media-types';

/** A layer ready to store or push: the tar, the stored bytes and their digest, the tar's diff ID. */
export interface BuiltLayer {
  tar: Buffer;
  blob: Buffer;
  digest: string;
  /** Bytes stored (`blob.length`). */
  size: number;
  diffId: string;
  compression: LayerCompression;
  /** Its OCI media type. */
  mediaType: string;
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Builds a layer's tar and stores it gzip-compressed (default), as is, or as `zstd-fake` (diff ID stays the tar's). */
export async function buildLayer(entries: TarEntry[], compression: LayerCompression = 'gzip'): Promise<BuiltLayer> {
  const tar = await tarBytes(entries);
  // Node writes a gzip header with mtime 0, so the same tar always gives the same blob.
  const blob = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd-fake' ? Buffer.concat([ZSTD_MAGIC, tar]) : tar;
  return { tar, blob, digest: sha256(blob), size: blob.length, diffId: sha256(tar), compression, mediaType: ociLayerType(compression) };
}

/** Deterministic pseudo-random bytes (AES-256-CTR keystream): layers that do not compress, and differ per seed. */
export function pseudoRandom(size: number, seed: string): Buffer {
  // AES-CTR over zeros: fast, and the same seed always gives the same bytes.
  const key = Buffer.from(hexOf(sha256(seed)), 'hex');
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** A layer of a pushed test image: a small README and `payloadSize` pseudo-random bytes (so the gzip blob is about as big). */
export function payloadLayer(seed: string, index: number, payloadSize: number, compression: LayerCompression = 'gzip'): Promise<BuiltLayer> {
  return buildLayer(
    [L.file(`berth/${index}/README.txt`, `berth test layer ${index} of ${seed}\n`), L.file(`berth/${index}/payload.bin`, pseudoRandom(payloadSize, `${seed}/layer/${index}`))],
    compression,
  );
}
