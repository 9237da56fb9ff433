/**
 * Reads a gzipped archive (`docker save x | gzip`) in one pass: gunzip + tar-stream extract.
 * Small entries (metadata) stay in memory, large ones (layers) are spooled to a private temp dir
 * under generated names, so `openBlob` becomes a plain file read afterwards.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { extract as Extract } from 'tar-stream';
import { BerthError } from '../../shared/errors';
import type { ArchiveErrors } from './archive-errors';
import type { ArchiveContents, IndexedEntry } from './contents';
import { makeEntry, readFully } from './tar-index';

/** Entries up to this size are kept in memory … */
const IN_MEMORY_ENTRY = 1024 * 1024;
/** … as long as all of them together stay under this. */
const IN_MEMORY_TOTAL = 64 * 1024 * 1024;
const HEAD = 16;

/** Spooled archive contents plus the temp dir to remove on close. */
export interface SpooledArchive {
  contents: ArchiveContents;
  dir: string;
}

/** Keeps the last 1 KiB that went through, to see whether the tar ended with its zero blocks. */
class TailTap extends Transform {
  tail = Buffer.alloc(0);
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.tail = chunk.length >= 1024 ? Buffer.from(chunk.subarray(-1024)) : Buffer.concat([this.tail, chunk]).subarray(-1024);
    this.push(chunk);
    cb();
  }
}

/** streamx entries are async-iterable at runtime; its typings just do not say so. */
function asIterable(stream: object): AsyncIterable<Uint8Array> {
  return stream as AsyncIterable<Uint8Array>;
}

async function collect(stream: AsyncIterable<Uint8Array>, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks, size);
}

async function spool(stream: AsyncIterable<Uint8Array>, file: string): Promise<Buffer> {
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of stream) {
      if (head.length < HEAD) head = Buffer.concat([head, (chunk as Buffer).subarray(0, HEAD - head.length)]);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } finally {
    out.destroy();
  }
  return head;
}

function mapStreamError(err: unknown, errors: ArchiveErrors, sawEntry: boolean, dir: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return errors.noSpace(dir);
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e?.message ?? '')) {
    return errors.truncated('the gzip stream ends early');
  }
  if (e?.code === 'Z_DATA_ERROR') return errors.notTar(`its gzip data is damaged: ${e.message}`);
  if (/unexpected end of data/i.test(e?.message ?? '')) {
    return sawEntry ? errors.truncated('the tar inside the gzip stream ends in the middle of an entry') : errors.notTar('the gzip stream does not hold a tar archive');
  }
  if (/invalid tar header/i.test(e?.message ?? '')) return errors.notTar('the gzip stream does not hold a tar archive');
  return err as Error;
}

/** Gunzips and indexes the archive at `path`, spooling large entries under `tempRoot`. */
export async function spoolGzipTar(path: string, errors: ArchiveErrors, tempRoot?: string, signal?: AbortSignal): Promise<SpooledArchive> {
  // Loaded here, not at the top: plain tars (and a CLI re-push of one) never pay for tar-stream.
  const { extract } = (await import('tar-stream')) as { extract: typeof Extract };
  const dir = await mkdtemp(join(tempRoot ?? tmpdir(), 'berth-archive-'));
  const entries = new Map<string, IndexedEntry>();
  const tap = new TailTap();
  // allowUnknownFormat: accept pre-POSIX (v7) headers too, as the plain-tar reader does.
  const ex = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  // Big chunks: fewer read/write syscalls and stream hops per GB (system time halves).
  const src = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const piping = pipeline(src, createGunzip({ chunkSize: 512 * 1024 }), tap, ex, signal ? { signal } : {}).then(
    () => null,
    (err: unknown) => err,
  );
  let inMemory = 0;
  let spooled = 0;
  let sawEntry = false;
  try {
    try {
      for await (const item of ex) {
        if (signal?.aborted) throw errors.cancelled();
        const h = item.header;
        sawEntry = true;
        const kind =
          h.type === 'file' || h.type === 'contiguous-file'
            ? 'file'
            : h.type === 'symlink'
              ? 'symlink'
              : h.type === 'link'
                ? 'hardlink'
                : h.type === 'directory'
                  ? 'dir'
                  : 'other';
        const size = h.size ?? 0;
        const entry = makeEntry(errors, h.name, kind, h.linkname ?? '', size, null);
        if (!entry || kind !== 'file') {
          // Drain by iterating: an empty streamx entry may end before an 'end' listener is attached.
          for await (const _ of asIterable(item));
        } else if (size <= IN_MEMORY_ENTRY && inMemory + size <= IN_MEMORY_TOTAL) {
          entry.data = await collect(asIterable(item), size);
          entry.head = entry.data.subarray(0, HEAD);
          inMemory += size;
        } else {
          entry.file = join(dir, `${spooled++}.blob`);
          entry.head = await spool(asIterable(item), entry.file);
        }
        if (entry) entries.set(entry.name, entry);
      }
    } catch (err) {
      src.destroy();
      const pipeErr = await piping;
      if (signal?.aborted) throw errors.cancelled();
      if (err instanceof BerthError) throw err;
      // A failed spool write (disk full) beats the premature-close error it causes upstream.
      const local = ['ENOSPC', 'EDQUOT', 'EACCES', 'EROFS'].includes((err as NodeJS.ErrnoException)?.code ?? '');
      throw mapStreamError(local ? err : (pipeErr ?? err), errors, sawEntry, dir);
    }
    const pipeErr = await piping;
    if (signal?.aborted) throw errors.cancelled();
    if (pipeErr) throw mapStreamError(pipeErr, errors, sawEntry, dir);
    if (entries.size === 0) throw errors.empty();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const complete = tap.tail.length === 1024 && tap.tail.every((b) => b === 0);
  const contents: ArchiveContents = {
    path,
    entries,
    complete,
    errors,
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
