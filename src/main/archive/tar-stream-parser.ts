/**
 * A push parser for a tar arriving as a stream (the inside of a .tar.gz): same header rules as
 * the positioned reader, no object per skipped entry, and the caller decides per entry whether
 * its data is kept, spooled or only read past — before a single data byte arrives.
 */
import type { ArchiveErrors } from './archive-errors';
import { BLOCK, ExtendedHeaders, isExtendedKind, isZeroBlock, paddedSize, parseHeader, type ResolvedHeader, TarFormatError } from './tar-header';

/** Largest pax / GNU long-name record accepted. */
const EXTENDED_HEADER_CAP = 1024 * 1024;

/** Where the data of one entry goes. */
export interface DataSink {
  /** `chunk` is a view into the stream's buffer: copy what you keep. */
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

/** Receives each entry's header (at tar offset `pos`) and returns a sink for its data, or null to read past it. */
export type EntryHandler = (header: ResolvedHeader, pos: number) => DataSink | null | Promise<DataSink | null>;

/** Parses tar blocks pushed in chunks of any size. */
export class TarStreamParser {
  /** Tar offset of the next byte. */
  pos = 0;
  /** The end-of-archive marker was reached: the rest of the stream is not read. */
  ended = false;
  /** At least one header was parsed. */
  sawHeader = false;
  private readonly block = Buffer.alloc(BLOCK);
  private fill = 0;
  private headerPos = 0;
  private state: 'header' | 'data' | 'extended' = 'header';
  /** Data bytes left in the current entry, then its padding. */
  private remaining = 0;
  private padding = 0;
  private sink: DataSink | null = null;
  private extParts: Buffer[] = [];
  private extKind: ReturnType<typeof parseHeader>['kind'] = 'other';
  private readonly ext = new ExtendedHeaders();

  constructor(
    private readonly errors: ArchiveErrors,
    private readonly onEntry: EntryHandler,
  ) {}

  /** Takes the next bytes of the tar; resolves once their sinks have taken them. */
  async push(chunk: Buffer): Promise<void> {
    let i = 0;
    while (i < chunk.length && !this.ended) {
      if (this.state === 'header') {
        const n = Math.min(BLOCK - this.fill, chunk.length - i);
        chunk.copy(this.block, this.fill, i, i + n);
        this.fill += n;
        i += n;
        this.pos += n;
        if (this.fill === BLOCK) {
          this.fill = 0;
          await this.header();
        }
        continue;
      }
      const n = Math.min(this.remaining + this.padding, chunk.length - i);
      const data = Math.min(n, this.remaining);
      if (data > 0) {
        const part = chunk.subarray(i, i + data);
        if (this.state === 'extended') this.extParts.push(Buffer.from(part));
        else if (this.sink) await this.sink.write(part);
        this.remaining -= data;
        if (this.remaining === 0) await this.endData();
      }
      this.padding -= n - data;
      i += n;
      this.pos += n;
      if (this.remaining === 0 && this.padding === 0) this.state = 'header';
    }
  }

  /** The stream ended: throws when it stopped inside a header or an entry. */
  finish(): void {
    if (this.ended) return;
    if (!this.sawHeader && this.fill === 0 && this.pos === 0) throw this.errors.empty();
    if (this.state !== 'header') throw this.errors.truncated('the tar inside the gzip stream ends in the middle of an entry');
    if (this.fill !== 0) throw this.sawHeader ? this.errors.truncated('the tar inside the gzip stream ends inside a header') : this.errors.notTar('the gzip stream does not hold a tar archive');
  }

  private async header(): Promise<void> {
    const at = this.pos - BLOCK;
    if (isZeroBlock(this.block)) {
      this.ended = true;
      return;
    }
    let raw;
    try {
      raw = parseHeader(this.block);
    } catch (err) {
      if (!(err instanceof TarFormatError)) throw err;
      throw at === 0 ? this.errors.notTar('the gzip stream does not hold a tar archive') : this.errors.notTar(`the tar header at byte ${at} is damaged`);
    }
    this.sawHeader = true;
    this.headerPos = at;
    const extended = isExtendedKind(raw.kind);
    const size = extended ? raw.size : this.ext.size(raw);
    if (!Number.isSafeInteger(size) || size < 0) throw this.errors.notTar(`the size of the entry at byte ${at} is invalid`);
    this.remaining = size;
    this.padding = paddedSize(size) - size;
    if (extended) {
      if (size > EXTENDED_HEADER_CAP) throw this.errors.tooLarge(`the extended header at byte ${at}`, EXTENDED_HEADER_CAP);
      this.state = 'extended';
      this.extKind = raw.kind;
      this.extParts = [];
    } else {
      this.state = 'data';
      this.sink = await this.onEntry(this.ext.resolve(raw, size), at);
    }
    if (size === 0) await this.endData();
    if (this.remaining === 0 && this.padding === 0) this.state = 'header';
  }

  private async endData(): Promise<void> {
    if (this.state === 'extended') {
      try {
        this.ext.apply(this.extKind, Buffer.concat(this.extParts));
      } catch (err) {
        if (!(err instanceof TarFormatError)) throw err;
        throw this.errors.notTar(`the extended header at byte ${this.headerPos} is damaged`);
      }
      this.extParts = [];
      return;
    }
    const sink = this.sink;
    this.sink = null;
    await sink?.end();
  }
}
