/**
 * Picks the decompressor of a layer by its magic bytes (never by media type, which archives and
 * some registries get wrong): gzip, zstd where the runtime's zlib has it, or a plain tar.
 */
import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { BerthError } from '../../shared/errors';

/** How a layer's stored bytes are compressed. */
export type Compression = 'none' | 'gzip' | 'zstd';

/** Node added zstd to zlib in 23.8 and 22.15. */
const ZSTD_SINCE = 'Node.js 22.15';

/** Compression from the first bytes; throws UNSUPPORTED for xz and bzip2. */
export function sniffCompression(head: Buffer, label: string): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x28b52ffd) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new BerthError('UNSUPPORTED', `${label} is xz-compressed, which is not an OCI layer format; Berth cannot list its files.`);
  }
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') {
    throw new BerthError('UNSUPPORTED', `${label} is bzip2-compressed, which is not an OCI layer format; Berth cannot list its files.`);
  }
  return 'none';
}

type ZstdFactory = (opts?: object) => Transform;

/** The runtime's zstd decompressor, or null on runtimes without one (Node 20). */
export function zstdFactory(): ZstdFactory | null {
  const f = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  return typeof f === 'function' ? f : null;
}

/** A decompressing stream for `compression`, or null for a plain tar. */
export function decompressor(compression: Compression, label: string): Transform | null {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') {
    const zstd = zstdFactory();
    if (!zstd) {
      throw new BerthError(
        'UNSUPPORTED',
        `${label} is zstd-compressed, and this runtime (Node.js ${process.versions.node}) cannot decompress zstd. ` +
          `Run Berth on ${ZSTD_SINCE} or newer (the desktop app's runtime has it) to list its files.`,
        { compression: 'zstd', node: process.versions.node, needs: ZSTD_SINCE },
      );
    }
    return zstd({ chunkSize: 256 * 1024 });
  }
  return null;
}
