/**
 * Quick checks of how long opening takes (printed, never asserted): a multi-GB plain tar with a
 * few thousand entries (sparse, so it costs no disk) (bench/push measures .tar.gz).
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from './index';
import { hexOf, sha256 } from '../../../test/support/digest';

const hex = (b: Buffer | string): string => hexOf(sha256(b));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-open-speed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A plain ustar header (octal sizes; base-256 above 8 GiB, as GNU tar and Go write them). */
function header(name: string, size: number, type = '0'): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write('0000644\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  if (size < 8 ** 11) b.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  else {
    b[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) b[i] = v % 256;
  }
  b.write('00000000000\0', 136, 'latin1');
  b.write(type, 156, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

const pad = (n: number) => Math.ceil(n / 512) * 512;

/** Writes a legacy docker-save archive whose layer data are holes (zeros) in a sparse file. */
async function sparseArchive(path: string, images: number, layersPerImage: number, layerSize: number): Promise<number> {
  const fh = await open(path, 'w');
  let pos = 0;
  let entries = 0;
  const put = async (name: string, data: Buffer | null, size = data?.length ?? 0) => {
    await fh.write(header(name, size), 0, 512, pos);
    if (data) await fh.write(data, 0, data.length, pos + 512);
    pos += 512 + pad(size);
    entries++;
  };
  const manifest = [];
  for (let i = 0; i < images; i++) {
    const layers: string[] = [];
    const diffIds: string[] = [];
    for (let l = 0; l < layersPerImage; l++) {
      const id = hex(`layer ${i} ${l}`);
      await put(`${id}/VERSION`, Buffer.from('1.0'));
      await put(`${id}/json`, Buffer.from(JSON.stringify({ id })));
      await put(`${id}/layer.tar`, null, layerSize); // zeros: an (empty) tar, never read at open
      layers.push(`${id}/layer.tar`);
      diffIds.push(sha256(`diff ${i} ${l}`));
    }
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: diffIds } }));
    await put(`${hex(config)}.json`, config);
    manifest.push({ Config: `${hex(config)}.json`, RepoTags: [`speed/img${i}:1`], Layers: layers });
  }
  await put('manifest.json', Buffer.from(JSON.stringify(manifest)));
  await fh.truncate(pos + 1024); // end-of-archive marker: two zero blocks
  await fh.close();
  return entries;
}

describe('open speed (printed, not asserted)', () => {
  it('indexes a multi-GB plain tar with a few thousand entries', async () => {
    const path = join(dir, 'big.tar');
    const layerSize = 8 * 1024 * 1024 + 17;
    const entries = await sparseArchive(path, 20, 50, layerSize);
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const opened = await openArchive(path);
      runs.push(performance.now() - t0);
      expect(opened.images).toHaveLength(20);
      expect(opened.images.every((img) => img.layers.length === 50 && img.layers.every((l) => l.size === layerSize))).toBe(true);
    }
    const gib = ((20 * 50 * layerSize) / 1024 ** 3).toFixed(1);
    console.log(`[open-speed] plain tar: ${gib} GiB, ${entries} entries, 1000 layers: open ${runs.map((t) => t.toFixed(0)).join(' / ')} ms`);
  });
});
