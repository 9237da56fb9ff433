/**
 * The file index of one layer: every tar entry in order (entry i is the i-th entry tar-stream
 * emits, so a later read can stop exactly there), as columns over one string table.
 *
 * Why this shape: a layer can hold 500,000 entries; JS objects per entry would cost ~200 bytes
 * each and a JSON file would need a full parse on every open. Fixed-width columns (41 bytes per
 * entry) plus the UTF-8 names load back as typed-array views over the file's bytes (no per-entry
 * work), and while indexing they grow in 64k-row chunks while names stream straight to disk.
 */
import type { FileHandle } from 'node:fs/promises';
import { Column, type ColumnReader, openTable, TableWriter } from './columns';
import { KIND, KIND_NAMES, type KindName } from './entry-kinds';

const MAGIC = 'BRTHLFI1';

/** What the footer of a layer index records besides the columns. */
export interface LayerIndexMeta {
  /** Cache key: the digest the index was verified against. */
  key: string;
  count: number;
  stringBytes: number;
  compression: 'none' | 'gzip' | 'zstd';
  /** Stored (possibly compressed) bytes read. */
  storedBytes: number;
  /** Bytes of the uncompressed tar. */
  tarBytes: number;
  /** Sum of the sizes of regular-file entries. */
  fileBytes: number;
}

/** One entry as an object (for tests, tools and small listings; the merge reads the columns). */
export interface LayerEntry {
  path: string;
  kind: KindName;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  link: string;
  /** Offset of the entry's data in the uncompressed tar. */
  dataOffset: number;
}

/** A layer index loaded from disk: read-only columns over one buffer. */
export class LayerIndex {
  readonly count: number;
  readonly kind: Uint8Array;
  readonly size: Float64Array;
  readonly mtime: Float64Array;
  readonly dataOffset: Float64Array;
  /** strOffset[i]..+pathLen[i] is the path; the link follows up to strOffset[i+1]. */
  readonly strOffset: Uint32Array;
  readonly pathLen: Uint32Array;
  readonly mode: Uint32Array;
  readonly uid: Uint32Array;
  readonly gid: Uint32Array;

  private constructor(
    readonly meta: LayerIndexMeta,
    private readonly strings: Buffer,
    cols: ColumnReader,
  ) {
    const n = meta.count;
    this.count = n;
    this.size = cols.next(Float64Array, n);
    this.mtime = cols.next(Float64Array, n);
    this.dataOffset = cols.next(Float64Array, n);
    this.strOffset = cols.next(Uint32Array, n + 1);
    this.pathLen = cols.next(Uint32Array, n);
    this.mode = cols.next(Uint32Array, n);
    this.uid = cols.next(Uint32Array, n);
    this.gid = cols.next(Uint32Array, n);
    this.kind = cols.next(Uint8Array, n);
  }

  /** Parses a stored index; null when the bytes are not a complete, consistent index (a cache miss). */
  static fromBuffer(buf: Buffer): LayerIndex | null {
    const table = openTable<LayerIndexMeta>(buf, MAGIC);
    if (!table || !Number.isInteger(table.footer.count) || table.footer.count < 0) return null;
    let index: LayerIndex;
    try {
      index = new LayerIndex(table.footer, table.strings, table.columns);
    } catch {
      return null;
    }
    return index.consistent() ? index : null;
  }

  /** Offsets ascend and stay inside the string table; kinds are known. O(n), once per load. */
  private consistent(): boolean {
    const { strOffset: off, pathLen, kind, count } = this;
    if (off[0] !== 0 || off[count] !== this.strings.length) return false;
    for (let i = 0; i < count; i++) {
      if (off[i + 1] < off[i] || pathLen[i] > off[i + 1] - off[i] || kind[i] > KIND.other) return false;
    }
    return true;
  }

  path(i: number): string {
    const s = this.strOffset[i];
    return this.strings.toString('utf8', s, s + this.pathLen[i]);
  }

  link(i: number): string {
    return this.strings.toString('utf8', this.strOffset[i] + this.pathLen[i], this.strOffset[i + 1]);
  }

  entry(i: number): LayerEntry {
    return {
      path: this.path(i),
      kind: KIND_NAMES[this.kind[i]],
      size: this.size[i],
      mode: this.mode[i],
      uid: this.uid[i],
      gid: this.gid[i],
      mtime: this.mtime[i],
      link: this.link(i),
      dataOffset: this.dataOffset[i],
    };
  }

  *entries(): Generator<LayerEntry> {
    for (let i = 0; i < this.count; i++) yield this.entry(i);
  }
}

/** Streams entries into an index file as they are read from the tar. */
export class LayerIndexWriter {
  private readonly out: TableWriter;
  private readonly kind = new Column(Uint8Array);
  private readonly size = new Column(Float64Array);
  private readonly mtime = new Column(Float64Array);
  private readonly dataOffset = new Column(Float64Array);
  private readonly strOffset = new Column(Uint32Array);
  private readonly pathLen = new Column(Uint32Array);
  private readonly mode = new Column(Uint32Array);
  private readonly uid = new Column(Uint32Array);
  private readonly gid = new Column(Uint32Array);
  private stringBytes = 0;
  fileBytes = 0;

  constructor(fh: FileHandle) {
    this.out = new TableWriter(fh, MAGIC);
  }

  get count(): number {
    return this.kind.length;
  }

  /** Bytes of names and links so far. */
  get stringTableBytes(): number {
    return this.stringBytes;
  }

  async start(): Promise<void> {
    await this.out.start();
  }

  async add(kind: number, path: string, link: string, size: number, mode: number, uid: number, gid: number, mtime: number, dataOffset: number): Promise<void> {
    this.strOffset.push(this.stringBytes);
    let p = this.out.tryString(path);
    if (p < 0) p = await this.out.string(path);
    let l = this.out.tryString(link);
    if (l < 0) l = await this.out.string(link);
    this.stringBytes += p + l;
    this.kind.push(kind);
    this.pathLen.push(p);
    this.size.push(size);
    this.mtime.push(mtime);
    this.dataOffset.push(dataOffset);
    this.mode.push(mode);
    this.uid.push(uid >>> 0);
    this.gid.push(gid >>> 0);
    if (kind === KIND.file) this.fileBytes += size;
  }

  /** Writes the columns and the footer; the caller closes and renames the file. */
  async finish(meta: Omit<LayerIndexMeta, 'count' | 'stringBytes' | 'fileBytes'>): Promise<LayerIndexMeta> {
    this.strOffset.push(this.stringBytes);
    for (const col of [this.size, this.mtime, this.dataOffset, this.strOffset, this.pathLen, this.mode, this.uid, this.gid, this.kind]) {
      await this.out.column(col);
    }
    const full: LayerIndexMeta = { ...meta, count: this.count, stringBytes: this.stringBytes, fileBytes: this.fileBytes };
    await this.out.finish(full);
    return full;
  }
}
