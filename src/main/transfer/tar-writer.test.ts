import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarWriter, tarHeader } from './tar-writer';

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(h.toString('ascii', 148, 154), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return stored === sum;
}

describe('tar writer', () => {
  it('writes entries another tar reader reads back, sizes and bytes exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-tar-'));
    try {
      const file = join(dir, 'a.tar');
      const w = new TarWriter(file);
      await w.dir('blobs');
      await w.file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
      const big = Buffer.alloc(70_000, 3);
      await w.stream('blobs/sha256/x', big.length, (async function* () { yield big.subarray(0, 1000); yield big.subarray(1000); })(), () => undefined);
      await w.finish();
      const got: Record<string, number> = {};
      const ex = extract();
      const done = new Promise<void>((resolve, reject) => {
        ex.on('entry', (h, s, next) => {
          let n = 0;
          s.on('data', (c) => (n += (c as Buffer).length));
          s.on('end', () => {
            got[h.name] = n;
            next();
          });
        });
        ex.on('finish', resolve);
        ex.on('error', reject);
      });
      ex.end(await readFile(file));
      await done;
      expect(got).toEqual({ 'blobs/': 0, 'oci-layout': 30, 'blobs/sha256/x': 70_000 });
      expect(w.written % 512).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a stream that is shorter or longer than announced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-tar-'));
    try {
      const w = new TarWriter(join(dir, 'b.tar'));
      await expect(w.stream('x', 10, (async function* () { yield Buffer.alloc(5); })(), () => undefined)).rejects.toMatchObject({ code: 'SIZE_INVALID' });
      await w.abort();
      const v = new TarWriter(join(dir, 'c.tar'));
      await expect(v.stream('x', 10, (async function* () { yield Buffer.alloc(11); })(), () => undefined)).rejects.toMatchObject({ code: 'SIZE_INVALID' });
      await v.abort();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses base-256 for sizes past 8 GiB, with a valid checksum', () => {
    const size = 9 * 1024 ** 3;
    const h = tarHeader('blobs/sha256/big', size, 'file');
    expect(h[124]).toBe(0x80);
    let v = 0n;
    for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(h[i]);
    expect(Number(v)).toBe(size);
    expect(checksumOk(h)).toBe(true);
    expect(checksumOk(tarHeader('small', 100, 'file'))).toBe(true);
  });
});
