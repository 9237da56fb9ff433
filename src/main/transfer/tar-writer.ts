/**
 * A small streaming tar writer (POSIX ustar; sizes past 8 GiB in GNU base-256): entries go
 * straight to a file with backpressure, so memory stays at one write buffer whatever the size.
 * Fixed owner and mtime, so the same content always gives the same archive bytes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { BerthError } from '../../shared/errors';

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK * 2);
const MAX_OCTAL_SIZE = 0o77777777777;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header for `name` (at most 100 bytes, which blob paths always are). */
export function tarHeader(name: string, size: number, type: 'file' | 'dir'): Buffer {
  const h = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new BerthError('INTERNAL', `Tar entry name too long: ${name}. Please report this as a bug.`);
  nameBytes.copy(h, 0);
  h.write(octal(type === 'dir' ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  if (size <= MAX_OCTAL_SIZE) h.write(octal(size, 12), 124, 'ascii');
  else {
    // GNU base-256: high bit set, big-endian binary in the remaining 11 bytes.
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  h.write(octal(0, 12), 136, 'ascii');
  h.fill(0x20, 148, 156);
  h.write(type === 'dir' ? '5' : '0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** Writes a tar to a file, entry by entry. */
export class TarWriter {
  private readonly out: WriteStream;
  private failure: Error | null = null;
  /** Bytes written so far (headers and padding included). */
  written = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx', highWaterMark: 1024 * 1024 });
    this.out.on('error', (err) => (this.failure = err));
  }

  private async write(buf: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.written += buf.length;
    if (!this.out.write(buf)) {
      // `once` rejects on 'error' and removes its listeners either way (no listener piles up per chunk).
      await once(this.out, 'drain');
    }
  }

  /** A directory entry (`blobs/`); tools list them, none needs them. */
  async dir(name: string): Promise<void> {
    await this.write(tarHeader(name.endsWith('/') ? name : `${name}/`, 0, 'dir'));
  }

  /** A small file from memory. */
  async file(name: string, bytes: Buffer): Promise<void> {
    await this.write(tarHeader(name, bytes.length, 'file'));
    await this.write(bytes);
    await this.pad(bytes.length);
  }

  /**
   * A file of exactly `size` bytes from a stream; `onChunk` sees every chunk (to hash and count).
   * More or fewer bytes than announced fail the entry (the caller removes the file).
   */
  async stream(name: string, size: number, source: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void): Promise<void> {
    await this.write(tarHeader(name, size, 'file'));
    let n = 0;
    for await (const chunk of source) {
      n += chunk.length;
      if (n > size) throw new BerthError('SIZE_INVALID', `${name} is larger than the ${size} bytes its descriptor says; the registry sent other content.`);
      onChunk(chunk);
      await this.write(chunk);
    }
    if (n !== size) throw new BerthError('SIZE_INVALID', `${name} ended after ${n} of the ${size} bytes its descriptor says; the registry sent other content.`);
    await this.pad(size);
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await this.write(ZERO.subarray(0, BLOCK - rest));
  }

  /** Writes the end-of-archive marker and flushes the file to disk. */
  async finish(): Promise<void> {
    await this.write(ZERO);
    await new Promise<void>((resolve, reject) => {
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }

  /** Closes the file without finishing it (after a failure; the caller removes it). */
  async abort(): Promise<void> {
    if (this.out.closed) return;
    await new Promise<void>((resolve) => {
      this.out.once('close', () => resolve());
      this.out.destroy();
    });
  }
}
