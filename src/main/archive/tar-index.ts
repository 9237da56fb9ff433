/**
 * Indexes a plain (uncompressed) tar by reading its 512-byte headers with positioned reads and
 * seeking past the data, so a multi-GB archive opens in milliseconds and memory stays flat.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ArchiveErrors } from './archive-errors';
import type { IndexedEntry } from './contents';
import { normalizeEntryName, symlinkTarget } from './paths';
import { BLOCK, isZeroBlock, paddedSize, parseGnuLongName, parseHeader, parsePax, TarFormatError } from './tar-header';

/** Largest pax / GNU long-name record accepted. */
const EXTENDED_HEADER_CAP = 1024 * 1024;
/** More entries than any image archive has; stops a hostile archive from eating memory. */
const MAX_ENTRIES = 1_000_000;
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

/** Builds the entry for a header once pax / GNU overrides are applied; checks its names. */
export function makeEntry(
  errors: ArchiveErrors,
  rawName: string,
  kind: IndexedEntry['kind'],
  linkname: string,
  size: number,
  offset: number | null,
): IndexedEntry | null {
  const name = normalizeEntryName(rawName);
  if (name === null) throw errors.unsafePath(rawName);
  if (name === '') return null;
  const entry: IndexedEntry = { name, kind, size, offset };
  if (kind === 'symlink') {
    const target = symlinkTarget(name, linkname);
    if (target === null) throw errors.unsafePath(`${rawName} -> ${linkname}`);
    entry.target = target;
  } else if (kind === 'hardlink') {
    const target = normalizeEntryName(linkname);
    if (target === null) throw errors.unsafePath(`${rawName} -> ${linkname}`);
    entry.target = target;
  }
  return entry;
}

/** Index of a plain tar: every entry by normalised name (later duplicates win, as in tar). */
export async function indexPlainTar(
  fh: FileHandle,
  fileSize: number,
  errors: ArchiveErrors,
  signal?: AbortSignal,
): Promise<{ entries: Map<string, IndexedEntry>; complete: boolean }> {
  if (fileSize === 0) throw errors.empty();
  const reader = new ReadAhead(fh);
  const entries = new Map<string, IndexedEntry>();
  let global: Record<string, string> = {};
  let pax: Record<string, string> | null = null;
  let longName: string | null = null;
  let longLink: string | null = null;
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
    const isExtended = header.kind === 'pax' || header.kind === 'pax-global' || header.kind === 'gnu-long-name' || header.kind === 'gnu-long-link';
    let size = header.size;
    if (!isExtended) {
      const paxSize = pax?.size ?? global.size;
      if (paxSize !== undefined) size = Number(paxSize);
      if (!Number.isSafeInteger(size) || size < 0) throw errors.notTar(`the size of the entry at byte ${pos} is invalid`);
    }
    if (dataStart + size > fileSize) {
      throw errors.truncated(`the entry "${header.name}" needs ${size} bytes but the file ends ${fileSize - dataStart} bytes into it`);
    }

    if (isExtended) {
      if (size > EXTENDED_HEADER_CAP) throw errors.tooLarge(`the extended header at byte ${pos}`, EXTENDED_HEADER_CAP);
      const data = await reader.read(dataStart, size);
      try {
        if (header.kind === 'pax') pax = { ...(pax ?? {}), ...parsePax(data) };
        else if (header.kind === 'pax-global') global = { ...global, ...parsePax(data) };
        else if (header.kind === 'gnu-long-name') longName = parseGnuLongName(data);
        else longLink = parseGnuLongName(data);
      } catch (err) {
        if (!(err instanceof TarFormatError)) throw err;
        throw errors.notTar(`the extended header at byte ${pos} is damaged`);
      }
    } else {
      const name = pax?.path ?? longName ?? global.path ?? header.name;
      const linkname = pax?.linkpath ?? longLink ?? global.linkpath ?? header.linkname;
      const kind = header.kind === 'file' || header.kind === 'symlink' || header.kind === 'hardlink' || header.kind === 'dir' ? header.kind : 'other';
      const entry = makeEntry(errors, name, kind, linkname, size, dataStart);
      if (entry) {
        // The first bytes of a layer usually sit in the buffer already: keep them for compression detection.
        if (entry.kind === 'file') entry.head = reader.peek(dataStart, Math.min(HEAD, size)) ?? undefined;
        entries.set(entry.name, entry);
        if (entries.size > MAX_ENTRIES) throw errors.tooLarge('the list of entries', MAX_ENTRIES * 512);
      }
      pax = null;
      longName = null;
      longLink = null;
    }
    pos = dataStart + paddedSize(size);
  }
  if (entries.size === 0) throw errors.empty();
  return { entries, complete };
}
