/**
 * Streams the stored bytes of one blob: a ranged read of the plain tar, the spooled file, or a
 * small in-memory entry. A blob that comes up short (the file changed since it was opened) errors.
 */
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { ArchiveErrors } from './archive-errors';
import type { IndexedEntry } from './contents';
import type { BlobSource } from './types';

/** Errors the stream with ARCHIVE_TRUNCATED when fewer than `size` bytes come through. */
class ExactLength extends Transform {
  private seen = 0;
  constructor(
    private readonly size: number,
    private readonly onShort: (seen: number) => Error,
  ) {
    super();
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    cb(null, chunk);
  }
  _flush(cb: (err?: Error | null) => void): void {
    cb(this.seen === this.size ? null : this.onShort(this.seen));
  }
}

/** Opens one blob of the archive at `path` (entries are needed for in-memory .tar.gz entries). */
export function openBlobStream(
  path: string,
  entries: Map<string, IndexedEntry> | null,
  errors: ArchiveErrors,
  source: BlobSource,
  signal?: AbortSignal,
): Readable {
  let raw: Readable;
  // 1 MiB reads: a layer upload is bound by the network, not by thousands of small reads.
  const opts = { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) };
  if (source.file) {
    raw = createReadStream(source.file, opts);
  } else if (source.offset !== null) {
    raw = source.size === 0 ? Readable.from([]) : createReadStream(path, { ...opts, start: source.offset, end: source.offset + source.size - 1 });
  } else {
    const data = entries?.get(source.entry)?.data;
    if (!data) throw errors.missingBlob(source.entry, 'the blob');
    raw = Readable.from([data]);
  }
  const out = new ExactLength(source.size, (seen) => errors.truncated(`${source.entry} ends after ${seen} of ${source.size} bytes (was the file changed?)`));
  raw.on('error', (err) => out.destroy(err));
  out.on('close', () => raw.destroy());
  return raw.pipe(out);
}
