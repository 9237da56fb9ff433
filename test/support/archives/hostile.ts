/**
 * Hostile archives for tests, streamed to disk in seconds (nothing large is committed): gzip bombs
 * of zeros before a broken manifest.json, and tars of a million or more empty entries.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

const BLOCK = 512;
const BATCH = 4 * 1024 * 1024;

/** A ustar header for a regular file; fast enough for millions (the checksum is patched, not summed). */
class HeaderMaker {
  private readonly template = Buffer.alloc(BLOCK);
  private readonly baseSum: number;
  constructor() {
    const b = this.template;
    b.write('0000644\0', 100, 'latin1');
    b.write('0000000\0', 108, 'latin1');
    b.write('0000000\0', 116, 'latin1');
    b.write('14563302205\0', 136, 'latin1');
    b.write('0', 156, 'latin1');
    b.write('ustar\x0000', 257, 'latin1');
    b.fill(0x20, 148, 156);
    let sum = 0;
    for (const x of b) sum += x;
    this.baseSum = sum - 0x30; // the typeflag and size are added per header
  }

  /** Writes the header of `name` (ASCII, ≤ 100 chars) for `size` bytes of data into `out` at `at`. */
  write(out: Buffer, at: number, name: string, size: number, type = '0'): void {
    this.template.copy(out, at);
    let sum = this.baseSum + type.charCodeAt(0);
    for (let i = 0; i < name.length; i++) sum += name.charCodeAt(i);
    out.write(name, at, 100, 'latin1');
    // The template's name and size fields are zeros, so their bytes simply add to the sum.
    const octal = size.toString(8).padStart(11, '0');
    for (let i = 0; i < 11; i++) sum += octal.charCodeAt(i);
    out.write(octal, at + 124, 'latin1');
    out.write(type, at + 156, 'latin1');
    out.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 'latin1');
  }
}

async function put(out: Writable, data: Buffer): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

async function finish(out: Writable, file: Writable): Promise<void> {
  out.end();
  await once(file, 'close');
}

function sink(path: string, gzip: boolean, level = 6): { out: Writable; file: Writable } {
  const file = createWriteStream(path);
  if (!gzip) return { out: file, file };
  const z = createGzip({ level });
  z.pipe(file);
  return { out: z, file };
}

/** Names the million-entry archives use: all at image-layout paths, or all elsewhere. */
export type ManyNames = 'blobs' | 'rootfs';

function manyName(kind: ManyNames, i: number): string {
  return kind === 'blobs' ? `blobs/sha256/${i.toString(16).padStart(64, '0')}` : `rootfs/usr/share/f${i}`;
}

/** A tar (gzipped when asked) of `count` empty files followed by the end-of-archive marker. */
export async function writeManyEntries(path: string, count: number, names: ManyNames, gzip: boolean): Promise<void> {
  const maker = new HeaderMaker();
  const { out, file } = sink(path, gzip);
  let buf = Buffer.alloc(BATCH);
  let at = 0;
  for (let i = 0; i < count; i++) {
    maker.write(buf, at, manyName(names, i), 0);
    at += BLOCK;
    if (at === BATCH) {
      await put(out, buf);
      buf = Buffer.alloc(BATCH);
      at = 0;
    }
  }
  await put(out, Buffer.concat([buf.subarray(0, at), Buffer.alloc(2 * BLOCK)]));
  await finish(out, file);
}

/** How a bomb lays out its zeros: one entry of them all, or many entries just over 1 MiB (spooled, not held in memory). */
export type BombShape = 'one-entry' | 'many-entries';

/**
 * A .tar.gz (gzip -9) whose `zeros` bytes of zero-filled entries come before a manifest.json that
 * is not valid JSON: about 1 MB on disk for 1 GiB of zeros.
 */
export async function writeZeroBomb(path: string, zeros: number, shape: BombShape): Promise<void> {
  const maker = new HeaderMaker();
  const { out, file } = sink(path, true, 9);
  const header = (name: string, size: number) => {
    const b = Buffer.alloc(BLOCK);
    maker.write(b, 0, name, size);
    return b;
  };
  const zeroChunk = Buffer.alloc(1024 * 1024);
  const writeZeros = async (n: number) => {
    for (let left = n; left > 0; left -= zeroChunk.length) await put(out, left >= zeroChunk.length ? zeroChunk : zeroChunk.subarray(0, left));
  };
  const entrySize = shape === 'one-entry' ? zeros : 1024 * 1024 + BLOCK;
  for (let done = 0, i = 0; done < zeros; done += entrySize, i++) {
    const size = Math.min(entrySize, zeros - done);
    await put(out, header(`${i.toString(16).padStart(64, '0')}/layer.tar`, size));
    await writeZeros(size + ((BLOCK - (size % BLOCK)) % BLOCK));
  }
  const broken = Buffer.from('[{"Config": ');
  await put(out, header('manifest.json', broken.length));
  await put(out, Buffer.concat([broken, Buffer.alloc(BLOCK - broken.length), Buffer.alloc(2 * BLOCK)]));
  await finish(out, file);
}
