import { describe, expect, it } from 'vitest';
import { archiveErrors } from './archive-errors';
import type { ResolvedHeader } from './tar-header';
import { TarStreamParser } from './tar-stream-parser';
import { pseudoRandom } from '../../../test/support/images/layers';
import { packHeaders, type RawTarEntry } from '../../../test/support/images/tar';


/** Feeds `bytes` in chunks of `size` and returns each entry with the data its sink received. */
async function parse(bytes: Buffer, size: number) {
  const got: { header: ResolvedHeader; pos: number; data: Buffer }[] = [];
  const parser = new TarStreamParser(archiveErrors('t.tar.gz'), (header, pos) => {
    const parts: Buffer[] = [];
    const item = { header, pos, data: Buffer.alloc(0) };
    got.push(item);
    return { write: (c) => void parts.push(Buffer.from(c)), end: () => void (item.data = Buffer.concat(parts)) };
  });
  for (let i = 0; i < bytes.length && !parser.ended; i += size) await parser.push(bytes.subarray(i, i + size));
  parser.finish();
  return { got, parser };
}

const long300 = `${'x'.repeat(150)}${'y'.repeat(150)}.bin`;
const inputs: RawTarEntry[] = [
  { header: { name: 'manifest.json' }, data: Buffer.from('[]') },
  { header: { name: 'empty' }, data: Buffer.alloc(0) },
  { header: { name: 'exact-block' }, data: pseudoRandom(512, 'a') },
  { header: { name: long300 }, data: pseudoRandom(5_000, 'c') },
  { header: { name: 'blobs/ünïcødé/файл.json' }, data: Buffer.from('{"ok":true}') },
  { header: { name: 'dir', type: 'directory' } },
  { header: { name: 'dir/layer.tar', type: 'symlink', linkname: '../exact-block' } },
];

describe('TarStreamParser', () => {
  it('finds the same entries, offsets and data whatever the chunk size (pax names included)', async () => {
    const bytes = await packHeaders(inputs);
    expect(bytes.includes(Buffer.from('path='))).toBe(true);
    const whole = await parse(bytes, bytes.length);
    expect(whole.parser.ended).toBe(true);
    expect(whole.got.map((g) => g.header.name)).toEqual(inputs.map((i) => i.header.name));
    for (const [n, i] of inputs.entries()) if (i.data) expect(whole.got[n].data).toEqual(i.data);
    expect(whole.got[6].header).toMatchObject({ kind: 'symlink', linkname: '../exact-block' });
    for (const size of [1, 7, 511, 512, 513, 4096]) {
      const { got } = await parse(bytes, size);
      expect(got.map((g) => [g.header.name, g.pos, g.data.length])).toEqual(whole.got.map((g) => [g.header.name, g.pos, g.data.length]));
      expect(got[3].data).toEqual(inputs[3].data);
    }
  });

  it('stops at the end marker, and names a stream cut inside an entry or a damaged header', async () => {
    const bytes = await packHeaders([{ header: { name: 'a' }, data: pseudoRandom(2000, 'x') }, { header: { name: 'b' }, data: Buffer.from('2') }]);
    const { got } = await parse(Buffer.concat([bytes, Buffer.from('garbage after the end')]), 100);
    expect(got.map((g) => g.header.name)).toEqual(['a', 'b']);
    await expect(parse(bytes.subarray(0, 1500), 64)).rejects.toMatchObject({ code: 'ARCHIVE_TRUNCATED' });
    const damaged = Buffer.from(bytes);
    damaged[2560 + 3] ^= 0xff;
    await expect(parse(damaged, 999)).rejects.toMatchObject({ code: 'ARCHIVE_NOT_TAR', message: expect.stringContaining('byte 2560') });
    await expect(parse(Buffer.from('not a tar at all'.repeat(40)), 512)).rejects.toMatchObject({ code: 'ARCHIVE_NOT_TAR' });
  });
});
