/**
 * The pieces of Berth's compact on-disk tables (layer file indexes, merged trees): columns built
 * in fixed-size typed-array chunks (no JS object per row, no doubling copies while growing), a
 * buffered string-table writer, and a file layout that loads back as typed-array views over one
 * Buffer — no parsing per row, so a cached index of 500,000 files opens in milliseconds.
 *
 * File layout: MAGIC, string table, then each column padded to 8 bytes, then a JSON footer,
 * its length (u32) and MAGIC again. Numbers are in the machine's byte order (little-endian on
 * every platform Electron ships for); the footer records it and a mismatch is a cache miss.
 */
import type { FileHandle } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
type TypedArrayCtor<T extends TypedArray> = { new (n: number): T; new (b: ArrayBufferLike, offset: number, n: number): T; BYTES_PER_ELEMENT: number };

const CHUNK = 65_536;
/** The machine's byte order, recorded in every footer. */
export const ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'le' : 'be';

/** A growable column of numbers kept as a list of typed-array chunks. */
export class Column<T extends TypedArray> {
  private chunks: T[] = [];
  private current: T;
  private fill = 0;
  length = 0;

  constructor(private readonly ctor: TypedArrayCtor<T>) {
    this.current = new ctor(CHUNK);
  }

  push(v: number): void {
    if (this.fill === CHUNK) {
      this.chunks.push(this.current);
      this.current = new this.ctor(CHUNK);
      this.fill = 0;
    }
    this.current[this.fill++] = v;
    this.length++;
  }

  /** The filled parts, in order, as byte views. */
  *parts(): Generator<Uint8Array> {
    for (const c of this.chunks) yield new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
    yield new Uint8Array(this.current.buffer, this.current.byteOffset, this.fill * this.ctor.BYTES_PER_ELEMENT);
  }
}

/** Writes a table file sequentially through a buffer: the string table while rows arrive, then columns and footer. */
export class TableWriter {
  private buf = Buffer.allocUnsafe(256 * 1024);
  private used = 0;
  /** Bytes written so far (including the buffered ones). */
  position = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly magic: string,
  ) {}

  async start(): Promise<void> {
    await this.bytes(Buffer.from(this.magic, 'latin1'));
  }

  /** Appends a string when the buffer has room for it (no await: the common case); -1 when it has not. */
  tryString(s: string): number {
    if (this.used + s.length * 3 > this.buf.length) return -1;
    const n = s.length === 0 ? 0 : this.buf.write(s, this.used, 'utf8');
    this.used += n;
    this.position += n;
    return n;
  }

  /** Appends a string as UTF-8; returns its byte length. */
  async string(s: string): Promise<number> {
    if (s.length === 0) return 0;
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.used + s.length * 3 > this.buf.length) {
      await this.flush();
      if (s.length * 3 > this.buf.length) {
        const b = Buffer.from(s, 'utf8');
        await this.bytes(b);
        return b.length;
      }
    }
    const n = this.buf.write(s, this.used, 'utf8');
    this.used += n;
    this.position += n;
    return n;
  }

  async bytes(b: Uint8Array): Promise<void> {
    if (this.used + b.length > this.buf.length) await this.flush();
    if (b.length > this.buf.length) {
      await writeAll(this.fh, b);
      this.position += b.length;
      return;
    }
    this.buf.set(b, this.used);
    this.used += b.length;
    this.position += b.length;
  }

  /** Zero bytes up to the next multiple of 8 (typed-array views need aligned offsets). */
  async align(): Promise<void> {
    const pad = (8 - (this.position % 8)) % 8;
    if (pad) await this.bytes(new Uint8Array(pad));
  }

  async column(col: Column<TypedArray> | TypedArray): Promise<void> {
    await this.align();
    if (col instanceof Column) for (const part of col.parts()) await this.bytes(part);
    else await this.bytes(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  }

  /** Writes the footer (JSON), its length and the closing magic, and flushes. */
  async finish(footer: object): Promise<void> {
    const json = Buffer.from(JSON.stringify({ ...footer, endian: ENDIAN }), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.length);
    await this.bytes(json);
    await this.bytes(len);
    await this.bytes(Buffer.from(this.magic, 'latin1'));
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.fh, this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.used = 0;
  }
}

async function writeAll(fh: FileHandle, b: Uint8Array): Promise<void> {
  let done = 0;
  while (done < b.length) done += (await fh.write(b, done, b.length - done)).bytesWritten;
}

/** Reads a table file back: checks both magics, returns the footer and a reader of aligned columns. */
export function openTable<F>(buf: Buffer, magic: string): { footer: F; strings: Buffer; columns: ColumnReader } | null {
  const m = magic.length;
  if (buf.length < 2 * m + 4 || buf.toString('latin1', 0, m) !== magic || buf.toString('latin1', buf.length - m) !== magic) return null;
  const footerLen = buf.readUInt32LE(buf.length - m - 4);
  const footerAt = buf.length - m - 4 - footerLen;
  if (footerAt < m) return null;
  let footer: F & { endian?: string; stringBytes?: number };
  try {
    footer = JSON.parse(buf.toString('utf8', footerAt, footerAt + footerLen)) as F & { endian?: string; stringBytes?: number };
  } catch {
    return null;
  }
  const stringBytes = footer.stringBytes;
  if (footer.endian !== ENDIAN || typeof stringBytes !== 'number' || m + stringBytes > footerAt) return null;
  // Typed-array views need 8-byte alignment of the underlying memory; a pooled Buffer may lack it.
  const aligned = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  return { footer, strings: aligned.subarray(m, m + stringBytes), columns: new ColumnReader(aligned, m + stringBytes, footerAt) };
}

/** Hands out the columns of a table in the order they were written. */
export class ColumnReader {
  constructor(
    private readonly buf: Buffer,
    private at: number,
    private readonly end: number,
  ) {}

  next<T extends TypedArray>(ctor: TypedArrayCtor<T>, n: number): T {
    this.at += (8 - ((this.buf.byteOffset + this.at) % 8)) % 8;
    const bytes = n * ctor.BYTES_PER_ELEMENT;
    if (this.at + bytes > this.end) throw new BerthError('INTERNAL', 'A cached file index is damaged.');
    const out = new ctor(this.buf.buffer, this.buf.byteOffset + this.at, n);
    this.at += bytes;
    return out;
  }
}
