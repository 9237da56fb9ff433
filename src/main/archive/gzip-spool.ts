/**
 * Reads a gzipped archive (`docker save x | gzip`) in one pass. Small entries (metadata) stay in
 * memory, large ones (layers) are spooled to a private temp folder, so `openBlob` becomes a plain
 * file read afterwards. The archive is untrusted, so the spool is bounded: only entries an image
 * can need are kept (entry-book.ts), only files a manifest.json read first names are spooled
 * (spool-plan.ts), free disk is checked before each file, and a compression ratio no image has
 * stops the read (a gzip bomb costs a few MiB of work, not the disk).
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../../shared/errors';
import type { ArchiveErrors } from './archive-errors';
import type { ArchiveContents, IndexedEntry } from './contents';
import { EntryBook } from './entry-book';
import { SpoolPlan } from './spool-plan';
import { BLOCK } from './tar-header';
import { readFully } from './tar-index';
import { type DataSink, TarStreamParser } from './tar-stream-parser';
import { KEEP_FREE, makeSpoolDir, usableBytes } from './temp-root';

/** Entries up to this size are kept in memory … */
const IN_MEMORY_ENTRY = 1024 * 1024;
/** … as long as all of them together stay under this. */
const IN_MEMORY_TOTAL = 64 * 1024 * 1024;
const HEAD = 16;
/**
 * Largest expansion accepted. Image layers gzip 2–7:1 (measured on this project's machines: docs
 * 1.7, locales 3.0, headers 5.6, zoneinfo 6.5; text-heavy layers reach ~20); only long runs of
 * zeros go beyond, up to deflate's limit of ~1030:1.
 */
export const MAX_RATIO = 100;
/** The ratio is judged only after this much output, so a zero-filled file in a real image does not trip it. */
export const RATIO_WINDOW = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Spooled archive contents plus the temp dir to remove on close. */
export interface SpooledArchive {
  contents: ArchiveContents;
  dir: string;
}

/** Bounds of one spool. */
export interface SpoolOptions {
  /** Parent of the spool folder (default: the app's temp root). */
  tempRoot?: string;
  signal?: AbortSignal;
  /** Bytes to leave free on the spool's disk (default KEEP_FREE). */
  keepFree?: number;
}

function mapStreamError(err: unknown, errors: ArchiveErrors, dir: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return errors.noSpace(dir);
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e?.message ?? '')) return errors.truncated('the gzip stream ends early');
  if (e?.code === 'Z_DATA_ERROR') return errors.notTar(`its gzip data is damaged: ${e.message}`);
  return err as Error;
}

function memorySink(entry: IndexedEntry, done: (data: Buffer) => void): DataSink {
  const parts: Buffer[] = [];
  return {
    write: (chunk) => void parts.push(Buffer.from(chunk)),
    end: () => {
      entry.data = entry.size === 0 ? EMPTY : Buffer.concat(parts, entry.size);
      done(entry.data);
    },
  };
}

/** Writes one entry to its own file, keeping its first bytes for compression detection. */
class FileSink implements DataSink {
  private head = EMPTY;
  private closed = false;
  constructor(
    private readonly fh: FileHandle,
    private readonly entry: IndexedEntry,
  ) {}
  async write(chunk: Buffer): Promise<void> {
    if (this.head.length < HEAD) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD - this.head.length)]);
    for (let done = 0; done < chunk.length; ) done += (await this.fh.write(chunk, done, chunk.length - done)).bytesWritten;
  }
  async end(): Promise<void> {
    this.entry.head = this.head;
    await this.close();
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/** Gunzips and indexes the archive at `path` (`fileSize` bytes), spooling large entries. */
export async function spoolGzipTar(path: string, fileSize: number, errors: ArchiveErrors, opts: SpoolOptions = {}): Promise<SpooledArchive> {
  const { signal } = opts;
  const keepFree = opts.keepFree ?? KEEP_FREE;
  const dir = await makeSpoolDir('archive', opts.tempRoot);
  const book = new EntryBook(errors);
  const plan = new SpoolPlan(errors, book.entries);
  let inMemory = 0;
  let spooled = 0;
  /** The spool file being written, closed on failure. */
  const writing: { sink: FileSink | null } = { sink: null };

  const parser = new TarStreamParser(errors, async (h, pos) => {
    // The tar's own sizes say how far it will expand: refuse before reading what no image needs.
    const end = pos + BLOCK + h.size;
    if (end > RATIO_WINDOW && end > MAX_RATIO * fileSize) throw errors.bomb(MAX_RATIO, end, fileSize);
    const entry = book.admit(h.name, h.kind, h.linkname, h.size, null);
    if (!entry) return null;
    if (entry.kind !== 'file') {
      book.keep(entry);
      plan.kept(entry);
      return null;
    }
    const small = entry.size <= IN_MEMORY_ENTRY && inMemory + entry.size <= IN_MEMORY_TOTAL;
    if (!small && !plan.wants(entry.name)) return null;
    book.keep(entry);
    plan.kept(entry);
    if (small) {
      inMemory += entry.size;
      return memorySink(entry, (data) => plan.metadata(entry.name, data));
    }
    const usable = await usableBytes(dir, keepFree);
    if (entry.size > usable) throw errors.noRoom(dir, entry.size, usable);
    entry.file = join(dir, `${spooled++}.blob`);
    writing.sink = new FileSink(await open(entry.file, 'wx', 0o600), entry);
    return writing.sink;
  });

  const src = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const gunzip = createGunzip({ chunkSize: 512 * 1024 });
  src.on('error', (err) => gunzip.destroy(err));
  src.pipe(gunzip);
  const onAbort = () => gunzip.destroy(errors.cancelled());
  signal?.addEventListener('abort', onAbort, { once: true });
  let expanded = 0;
  try {
    if (signal?.aborted) throw errors.cancelled();
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      expanded += chunk.length;
      // zlib's bytesWritten is the compressed input it has consumed so far.
      if (expanded > RATIO_WINDOW && expanded > MAX_RATIO * gunzip.bytesWritten) throw errors.bomb(MAX_RATIO, expanded, gunzip.bytesWritten);
      await parser.push(chunk);
      if (parser.ended) break;
    }
    parser.finish();
    if (book.seen === 0) throw errors.empty();
  } catch (err) {
    await writing.sink?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    if (signal?.aborted) throw errors.cancelled();
    if (err instanceof BerthError) throw err;
    throw mapStreamError(err, errors, dir);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    src.destroy();
    gunzip.destroy();
  }
  const contents: ArchiveContents = {
    path,
    entries: book.entries,
    complete: parser.ended,
    errors,
    spent: { bytes: 0, values: 0 },
    async read(entry, position, length) {
      if (entry.data) return entry.data.subarray(position, position + length);
      if (!entry.file) throw errors.missingBlob(entry.name, 'the entry');
      const fh = await open(entry.file, 'r');
      try {
        return await readFully(fh, position, length);
      } finally {
        await fh.close();
      }
    },
  };
  return { contents, dir };
}
