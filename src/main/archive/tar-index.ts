/**
 * Indexes a plain (uncompressed) tar by reading its 512-byte headers with positioned reads and
 * seeking past the data, so a multi-GB archive opens in milliseconds and memory stays flat.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ArchiveErrors } from './archive-errors';
import type { IndexedEntry } from './contents';
import { EntryBook } from './entry-book';
import { BLOCK, ExtendedHeaders, isExtendedKind, isZeroBlock, paddedSize, parseHeader, TarFormatError } from './tar-header';

/** Largest pax / GNU long-name record accepted. */
const EXTENDED_HEADER_CAP = 1024 * 1024;
const HEAD = 16;

/** Reads through a small buffer: runs of small entries cost one read, a seek costs a small one. */
class ReadAhead {
  private buf = Buffer.alloc(64 * 1024);
  private start = 0;
  private len = 0;
  constructor(private readonly fh: FileHandle) {}

  /** Bytes already in the buffer, or null (never reads). */
  peek(pos: number, n: number): Buffer | null {
    return pos >= this.start && pos + n <= this.start + this.len ? Buffer.from(this.buf.subarray(pos - this.start, pos - this.start + n)) : null;
  }

  async read(pos: number, n: number): Promise<Buffer> {
    if (pos >= this.start && pos + n <= this.start + this.len) return this.buf.subarray(pos - this.start, pos - this.start + n);
    if (n > this.buf.length) return readFully(this.fh, pos, n);
    const sequential = pos === this.start + this.len;
    const want = Math.max(n, sequential ? this.buf.length : 8 * 1024);
    const { bytesRead } = await this.fh.read(this.buf, 0, want, pos);
    this.start = pos;
    this.len = bytesRead;
    return this.buf.subarray(0, Math.min(n, bytesRead));
  }
}

/** Reads exactly `n` bytes at `pos` (fewer only at end of file). */
export async function readFully(fh: FileHandle, pos: number, n: number): Promise<Buffer> {
  const out = Buffer.alloc(n);
  let done = 0;
  while (done < n) {
    const { bytesRead } = await fh.read(out, done, n - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === n ? out : out.subarray(0, done);
}

/** Index of a plain tar: the entries an image can need by normalised name (later duplicates win, as in tar). */
export async function indexPlainTar(
  fh: FileHandle,
  fileSize: number,
  errors: ArchiveErrors,
  signal?: AbortSignal,
): Promise<{ entries: Map<string, IndexedEntry>; complete: boolean; seen: number }> {
  if (fileSize === 0) throw errors.empty();
  const reader = new ReadAhead(fh);
  const book = new EntryBook(errors);
  const ext = new ExtendedHeaders();
  let pos = 0;
  let complete = false;
  let count = 0;

  while (true) {
    if ((++count & 0xff) === 0 && signal?.aborted) throw errors.cancelled();
    if (pos + BLOCK > fileSize) {
      if (pos === 0) throw errors.notTar();
      // A tar is whole blocks: anything else means the last header or padding was cut off.
      if (pos !== fileSize) throw errors.truncated(`it stops ${pos > fileSize ? 'inside the padding' : 'inside the tar header'} at byte ${Math.min(pos, fileSize)}`);
      break; // ended on a block boundary without the end-of-archive marker
    }
    const block = await reader.read(pos, BLOCK);
    if (block.length < BLOCK) throw errors.truncated(`the tar header at byte ${pos} is cut off`);
    if (isZeroBlock(block)) {
      complete = true;
      break;
    }
    let header;
    try {
      header = parseHeader(block);
    } catch (err) {
      if (!(err instanceof TarFormatError)) throw err;
      throw pos === 0 ? errors.notTar() : errors.notTar(`the tar header at byte ${pos} is damaged`);
    }
    const dataStart = pos + BLOCK;
    const extended = isExtendedKind(header.kind);
    const size = extended ? header.size : ext.size(header);
    if (!Number.isSafeInteger(size) || size < 0) throw errors.notTar(`the size of the entry at byte ${pos} is invalid`);
    if (dataStart + size > fileSize) {
      throw errors.truncated(`the entry "${header.name}" needs ${size} bytes but the file ends ${fileSize - dataStart} bytes into it`);
    }

    if (extended) {
      if (size > EXTENDED_HEADER_CAP) throw errors.tooLarge(`the extended header at byte ${pos}`, EXTENDED_HEADER_CAP);
      const data = await reader.read(dataStart, size);
      try {
        ext.apply(header.kind, data);
      } catch (err) {
        if (!(err instanceof TarFormatError)) throw err;
        throw errors.notTar(`the extended header at byte ${pos} is damaged`);
      }
    } else {
      const h = ext.resolve(header, size);
      const entry = book.admit(h.name, h.kind, h.linkname, size, dataStart);
      if (entry) {
        // The first bytes of a layer usually sit in the buffer already: keep them for compression detection.
        if (entry.kind === 'file') entry.head = reader.peek(dataStart, Math.min(HEAD, size)) ?? undefined;
        book.keep(entry);
      }
    }
    pos = dataStart + paddedSize(size);
  }
  if (book.seen === 0) throw errors.empty();
  return { entries: book.entries, complete, seen: book.seen };
}
