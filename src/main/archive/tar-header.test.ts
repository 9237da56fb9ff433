import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, type Header } from 'tar-stream';
import { archiveErrors } from './archive-errors';
import { indexPlainTar, readFully } from './tar-index';
import { checksumOk, paddedSize, parseHeader, parseNumeric, parsePax } from './tar-header';
import { pseudoRandom } from '../../../test/support/images/layers';
import { packHeaders, type RawTarEntry } from '../../../test/support/images/tar';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-tar-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** The first header block tar-stream writes for an entry (data never written). */
async function headerBlock(header: Partial<Header> & { name: string }): Promise<Buffer> {
  const p = pack();
  const first = new Promise<Buffer>((resolve) => {
    let acc = Buffer.alloc(0);
    p.on('data', (c: unknown) => {
      acc = Buffer.concat([acc, c as Buffer]);
      if (acc.length >= 512) resolve(acc.subarray(0, 512));
    });
  });
  p.entry(header);
  const block = await first;
  p.destroy();
  return block;
}

/** Changes a header's typeflag and fixes its checksum (for GNU `L`/`K` and pax `g`, which pack cannot write). */
function retype(block: Buffer, flag: string, size?: number): Buffer {
  const b = Buffer.from(block);
  b[156] = flag.charCodeAt(0);
  if (size !== undefined) b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc(paddedSize(data.length) - data.length)]);
const paxRecord = (key: string, value: string) => {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  if (String(len).length + Buffer.byteLength(body) !== len) len = String(len + 1).length + Buffer.byteLength(body);
  return `${len}${body}`;
};

async function indexBytes(bytes: Buffer, name = 'x.tar') {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const fh = await open(path, 'r');
  try {
    const result = await indexPlainTar(fh, bytes.length, archiveErrors(path));
    const data = async (entry: string) => {
      const e = result.entries.get(entry)!;
      return readFully(fh, e.offset!, e.size);
    };
    const contents = new Map<string, Buffer>();
    for (const [k, v] of result.entries) if (v.kind === 'file') contents.set(k, await data(k));
    return { ...result, contents };
  } finally {
    await fh.close();
  }
}

describe('tar header reader vs tar-stream pack', () => {
  it('reads names, sizes and data offsets of short, prefixed (>100 chars) and pax (>255 chars, UTF-8) names', async () => {
    const long100 = `blobs/${'d'.repeat(60)}/${'e'.repeat(70)}`;
    const long300 = `${'x'.repeat(150)}${'y'.repeat(150)}.bin`;
    const utf8 = 'blobs/ünïcødé/файл.json';
    const inputs: RawTarEntry[] = [
      { header: { name: 'manifest.json' }, data: Buffer.from('[]') },
      { header: { name: 'empty' }, data: Buffer.alloc(0) },
      { header: { name: 'exact-block' }, data: pseudoRandom(512, 'a') },
      { header: { name: long100 }, data: pseudoRandom(1000, 'b') },
      { header: { name: long300 }, data: pseudoRandom(70_000, 'c') },
      { header: { name: utf8 }, data: Buffer.from('{"ok":true}') },
      { header: { name: 'dir', type: 'directory' } },
      { header: { name: 'dir/layer.tar', type: 'symlink', linkname: '../exact-block' } },
      { header: { name: 'hard', type: 'link', linkname: 'manifest.json' } },
    ];
    const bytes = await packHeaders(inputs);
    expect(bytes.includes(Buffer.from('path='))).toBe(true); // pax really was used
    const { entries, complete, contents, seen } = await indexBytes(bytes);
    expect(complete).toBe(true);
    for (const i of inputs.filter((x) => !x.header.type)) expect(contents.get(i.header.name)).toEqual(i.data);
    // Folders are never needed (links are followed by name): counted, not kept.
    expect(entries.has('dir')).toBe(false);
    expect(seen).toBe(inputs.length);
    expect(entries.get('dir/layer.tar')).toMatchObject({ kind: 'symlink', target: 'exact-block' });
    expect(entries.get('hard')).toMatchObject({ kind: 'hardlink', target: 'manifest.json' });
    expect(entries.get(long300)?.size).toBe(70_000);
  });

  it('decodes a base-256 size (entries over 8 GiB) as tar-stream writes it', async () => {
    const size = 10 * 1024 ** 3 + 123;
    const block = await headerBlock({ name: 'huge.tar', size });
    expect(block[124] & 0x80).toBe(0x80);
    expect(parseHeader(block)).toMatchObject({ name: 'huge.tar', size, kind: 'file' });
    expect(parseNumeric(Buffer.from('0000644\0'), 0, 8)).toBe(0o644);
  });

  it('applies GNU long names (L) and long links (K)', async () => {
    const name = `blobs/gnu/${'n'.repeat(200)}`;
    const target = 't'.repeat(90); // ≤ 100 chars, so tar-stream writes a single ustar header for it
    const link = `x/y/../../${target}`;
    const nameData = Buffer.from(`${name}\0`);
    const linkData = Buffer.from(`${link}\0`);
    const bytes = Buffer.concat([
      retype(await headerBlock({ name: '././@LongLink', size: nameData.length }), 'L'),
      pad(nameData),
      await headerBlock({ name: 'blobs/gnu/short', size: 3 }),
      pad(Buffer.from('abc')),
      retype(await headerBlock({ name: '././@LongLink', size: 14 }), 'L'),
      pad(Buffer.from(`blobs/gnu/lnk\0`)),
      retype(await headerBlock({ name: '././@LongLink', size: linkData.length }), 'K'),
      pad(linkData),
      await headerBlock({ name: 'ignored', type: 'symlink', linkname: 'short' }),
      await headerBlock({ name: target, size: 1 }),
      pad(Buffer.from('T')),
      Buffer.alloc(1024),
    ]);
    const { entries, contents } = await indexBytes(bytes, 'gnu.tar');
    expect(contents.get(name)).toEqual(Buffer.from('abc'));
    expect(entries.get('blobs/gnu/lnk')).toMatchObject({ kind: 'symlink', target: `blobs/gnu/${target}` });
    expect(entries.has('ignored')).toBe(false);
  });

  it('applies pax size/path per file and global (g) records to following entries', async () => {
    const data = pseudoRandom(3000, 'pax-size');
    const x = Buffer.from(paxRecord('path', 'blobs/from-pax/name.bin') + paxRecord('size', '3000'));
    const g = Buffer.from(paxRecord('comment', 'git archive style'));
    const bytes = Buffer.concat([
      retype(await headerBlock({ name: 'pax_global_header', size: g.length }), 'g'),
      pad(g),
      retype(await headerBlock({ name: 'PaxHeader', size: x.length }), 'x'),
      pad(x),
      await headerBlock({ name: 'ustar-name', size: 0 }), // the pax size (3000) wins
      pad(data),
      await headerBlock({ name: 'after', size: 2 }),
      pad(Buffer.from('ok')),
      Buffer.alloc(1024),
    ]);
    expect(parsePax(x)).toEqual({ path: 'blobs/from-pax/name.bin', size: '3000' });
    const { contents } = await indexBytes(bytes, 'pax.tar');
    expect(contents.get('blobs/from-pax/name.bin')).toEqual(data);
    expect(contents.get('after')).toEqual(Buffer.from('ok'));
    expect(contents.has('ustar-name')).toBe(false);
  });

  it('verifies checksums: a damaged first header is not a tar, a later one is named by offset', async () => {
    const bytes = await packHeaders([
      { header: { name: 'a' }, data: Buffer.from('1') },
      { header: { name: 'b' }, data: Buffer.from('2') },
    ]);
    expect(checksumOk(bytes.subarray(0, 512))).toBe(true);
    const first = Buffer.from(bytes);
    first[10] ^= 0xff;
    expect(checksumOk(first.subarray(0, 512))).toBe(false);
    await expect(indexBytes(first, 'bad1.tar')).rejects.toMatchObject({ code: 'ARCHIVE_NOT_TAR' });
    const second = Buffer.from(bytes);
    second[1024 + 3] ^= 0xff;
    await expect(indexBytes(second, 'bad2.tar')).rejects.toMatchObject({ code: 'ARCHIVE_NOT_TAR', message: expect.stringContaining('byte 1024') });
  });

  it('stops at the end marker and ignores what follows; notices a missing marker', async () => {
    const bytes = await packHeaders([{ header: { name: 'a' }, data: Buffer.from('1') }]);
    const trailing = await indexBytes(Buffer.concat([bytes, Buffer.from('garbage after the end')]), 'trail.tar');
    expect([...trailing.entries.keys()]).toEqual(['a']);
    const cut = await indexBytes(bytes.subarray(0, 1024), 'nomarker.tar');
    expect(cut.complete).toBe(false);
    await expect(indexBytes(bytes.subarray(0, 600), 'cut.tar')).rejects.toMatchObject({ code: 'ARCHIVE_TRUNCATED' });
  });
});
