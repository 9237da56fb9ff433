/**
 * The one tar writer of test code, on tar-stream: files, directories, symlinks, hard links,
 * devices, FIFOs, OCI whiteouts (`.wh.<name>`) and opaque directories (`.wh..wh..opq`), long names
 * as PAX (tar-stream's own) or GNU (`././@LongLink`) records. Layers and whole archives alike;
 * every entry has a fixed mtime, so the same entries always give the same bytes (and digests).
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Header, type Pack } from 'tar-stream';

/** The mtime of every entry unless one is given. */
export const MTIME = new Date('2024-03-04T05:06:07Z');

/** One tar entry; `type` defaults to `file`. */
export type TarEntry =
  | { type?: 'file'; name: string; data?: string | Buffer; mode?: number; uid?: number; gid?: number; mtime?: Date; gnu?: boolean }
  | { type: 'dir'; name: string; mode?: number; uid?: number; gid?: number; mtime?: Date }
  | { type: 'symlink'; name: string; target: string; uid?: number; gid?: number }
  | { type: 'hardlink'; name: string; target: string; mode?: number; uid?: number; gid?: number }
  | { type: 'fifo' | 'char' | 'block'; name: string; mode?: number; devmajor?: number; devminor?: number }
  /** Deletes `name` from lower layers: writes `<dir>/.wh.<base>`. */
  | { type: 'whiteout'; name: string }
  /** Makes the directory `name` opaque: writes `<name>/.wh..wh..opq`. */
  | { type: 'opaque'; name: string };

/** Entry helpers, so test layers read like a Dockerfile's effect. */
export const L = {
  file: (name: string, data: string | Buffer = '', o: { mode?: number; uid?: number; gid?: number; gnu?: boolean } = {}): TarEntry => ({ type: 'file', name, data, ...o }),
  dir: (name: string, o: { mode?: number; uid?: number; gid?: number } = {}): TarEntry => ({ type: 'dir', name, ...o }),
  symlink: (name: string, target: string): TarEntry => ({ type: 'symlink', name, target }),
  hardlink: (name: string, target: string, mode?: number): TarEntry => ({ type: 'hardlink', name, target, mode }),
  fifo: (name: string): TarEntry => ({ type: 'fifo', name }),
  char: (name: string, devmajor = 1, devminor = 3): TarEntry => ({ type: 'char', name, devmajor, devminor }),
  whiteout: (name: string): TarEntry => ({ type: 'whiteout', name }),
  opaque: (name: string): TarEntry => ({ type: 'opaque', name }),
};

const TYPES = { file: 'file', dir: 'directory', symlink: 'symlink', hardlink: 'link', fifo: 'fifo', char: 'character-device', block: 'block-device' } as const;

function whiteoutName(name: string, opaque: boolean): string {
  const clean = name.replace(/\/+$/, '');
  if (opaque) return `${clean}/.wh..wh..opq`;
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? `.wh.${clean}` : `${clean.slice(0, slash)}/.wh.${clean.slice(slash + 1)}`;
}

/** Adds one entry to a pack, resolving once tar-stream took it. */
function addEntry(p: Pack, e: TarEntry): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (e.type === 'whiteout' || e.type === 'opaque') {
      p.entry({ name: whiteoutName(e.name, e.type === 'opaque'), mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, '', cb);
      return;
    }
    const base = { name: e.name, mtime: MTIME, uid: 'uid' in e ? (e.uid ?? 0) : 0, gid: 'gid' in e ? (e.gid ?? 0) : 0, type: TYPES[e.type ?? 'file'] };
    switch (e.type) {
      case undefined:
      case 'file':
        return void p.entry({ ...base, mode: e.mode ?? 0o644, mtime: e.mtime ?? MTIME }, e.data ?? '', cb);
      case 'dir':
        return void p.entry({ ...base, mode: e.mode ?? 0o755, mtime: e.mtime ?? MTIME }, cb);
      case 'symlink':
        return void p.entry({ ...base, mode: 0o777, linkname: e.target }, cb);
      case 'hardlink':
        return void p.entry({ ...base, mode: e.mode ?? 0o644, linkname: e.target }, cb);
      default:
        return void p.entry({ ...base, mode: e.mode ?? 0o644, devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0 }, cb);
    }
  });
}

/** Packs entries with one tar-stream pack; returns the bytes without the end-of-archive blocks. */
async function packEntries(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) await addEntry(p, e);
  p.finalize();
  await done;
  const all = Buffer.concat(chunks);
  return all.subarray(0, all.length - 1024);
}

/** One 512-byte GNU header block (`ustar  \0` magic) with a correct checksum. */
function gnuHeader(name: string, typeflag: string, size: number, mode: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name.slice(0, 99), 0, 'utf8');
  b.write(mode.toString(8).padStart(7, '0'), 100);
  b.write('0000000', 108);
  b.write('0000000', 116);
  b.write(size.toString(8).padStart(11, '0'), 124);
  b.write(Math.floor(MTIME.getTime() / 1000).toString(8).padStart(11, '0'), 136);
  b.write(typeflag, 156);
  b.write('ustar  \0', 257, 'latin1');
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

/** A regular file whose long name travels in a GNU `L` record (what GNU tar writes), not in PAX. */
function gnuLongFile(name: string, data: Buffer, mode: number): Buffer {
  const long = Buffer.from(name + '\0', 'utf8');
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  return Buffer.concat([gnuHeader('././@LongLink', 'L', long.length, 0o644), long, pad(long.length), gnuHeader(name.slice(0, 99), '0', data.length, mode), data, pad(data.length)]);
}

/** The bytes of a tar of `entries`, end-of-archive blocks included. */
export async function tarBytes(entries: TarEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  let run: TarEntry[] = [];
  for (const e of entries) {
    if ((e.type === undefined || e.type === 'file') && e.gnu) {
      if (run.length) parts.push(await packEntries(run));
      run = [];
      parts.push(gnuLongFile(e.name, Buffer.from(e.data ?? ''), e.mode ?? 0o644));
    } else run.push(e);
  }
  if (run.length) parts.push(await packEntries(run));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/**
 * Streams a tar of `entries` to `path`, gzipped when asked (a number is the gzip level): for
 * archives too big to hold twice. GNU long-name records are tarBytes' only.
 */
export async function writeTar(path: string, entries: Iterable<TarEntry>, gzip: boolean | number = false): Promise<void> {
  const p = pack();
  const writing = gzip !== false ? pipeline(p, createGzip(gzip === true ? {} : { level: gzip }), createWriteStream(path)) : pipeline(p, createWriteStream(path));
  for (const e of entries) await addEntry(p, e);
  p.finalize();
  await writing;
}

/** A raw tar-stream header and its data, for tests of header parsing (types, PAX, sizes as written). */
export type RawTarEntry = { header: Partial<Header> & { name: string }; data?: Buffer };

/** What tar-stream's pack writes for raw headers, end-of-archive blocks included. */
export async function packHeaders(entries: RawTarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) p.entry(e.header, e.data ?? Buffer.alloc(0));
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}
