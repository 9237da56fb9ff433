import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLayer, L, type TarEntry, pseudoRandom } from '../../../test/support/images/layers';
import { ContentStore } from '../store/content-store';
import { ContentsEngine } from './engine';
import { openFile, readText } from './files-out';
import { saveToDisk } from './save';
import { memoryImage } from '../../../test/support/images/memory';

const BIG = pseudoRandom(4 * 1024 * 1024, 'files-out');

describe('files out', () => {
  let root: string;
  let engine: ContentsEngine;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-files-'));
    engine = new ContentsEngine(new ContentStore(root));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function open(layers: TarEntry[][], compression: 'gzip' | 'none' = 'gzip') {
    const src = memoryImage(await Promise.all(layers.map(async (l) => (await buildLayer(l, compression)).blob)));
    return { src, img: await engine.openImage(src) };
  }

  const base: TarEntry[] = [
    L.dir('etc'),
    L.file('etc/motd', 'hello, world\n'),
    L.file('etc/blob.bin', Buffer.from([1, 2, 0, 3])),
    L.file('etc/latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9])),
    L.file('etc/utf8.txt', 'né '.repeat(10)),
    L.file('etc/big.bin', BIG),
    L.dir('usr'),
    L.dir('usr/bin'),
    L.file('usr/bin/tool', '#!/bin/sh\necho tool\n', { mode: 0o4755 }),
    L.hardlink('usr/bin/tool-link', 'usr/bin/tool'),
    L.symlink('usr/bin/abs', '/etc/motd'),
    L.symlink('usr/bin/rel', '../../etc/motd'),
    L.symlink('usr/bin/host', '/etc/passwd'),
    L.char('usr/bin/null'),
  ];

  it('shows text, says binary for NUL bytes or invalid UTF-8, and cuts at the cap', async () => {
    const { img } = await open([base]);
    expect(await readText(img, 'etc/motd')).toEqual({ text: 'hello, world\n', size: 13, truncated: false });
    expect(await readText(img, '/etc/blob.bin')).toEqual({ binary: true, size: 4 });
    expect(await readText(img, 'etc/latin1.txt')).toEqual({ binary: true, size: 4 });
    // The cap falls inside the two-byte "é": the cut character is dropped, not called binary.
    expect(await readText(img, 'etc/utf8.txt', { maxBytes: 6 })).toEqual({ text: 'né n', size: 40, truncated: true });
    expect(await readText(img, 'etc/big.bin', { maxBytes: 1000 })).toEqual({ binary: true, size: BIG.length });
  });

  it('follows symlinks inside the image and reads a hard link through its target', async () => {
    const { img } = await open([base, [L.dir('etc'), L.file('etc/motd', 'changed\n')]]);
    expect(await readText(img, 'usr/bin/abs')).toMatchObject({ text: 'changed\n' });
    expect(await readText(img, 'usr/bin/rel')).toMatchObject({ text: 'changed\n' });
    expect(await readText(img, 'usr/bin/tool-link')).toMatchObject({ text: '#!/bin/sh\necho tool\n' });
    await expect(readText(img, 'usr/bin/host')).rejects.toThrow(/has no usr\/bin\/host/);
    await expect(readText(img, 'usr/bin')).rejects.toThrow(/is a folder/);
    await expect(readText(img, 'usr/bin/null')).rejects.toThrow(/is a char/);
  });

  it('says when a path was deleted by a later layer', async () => {
    const { img } = await open([base, [L.whiteout('etc/motd')]]);
    await expect(readText(img, 'etc/motd')).rejects.toThrow(/deleted by a later layer/);
  });

  it('stops reading a compressed layer once the file has been read', async () => {
    const { src, img } = await open([[L.file('first.txt', 'first'), L.file('after.bin', BIG)]]);
    const layer = src.layers[0];
    const before = layer.served;
    expect(await readText(img, 'first.txt')).toMatchObject({ text: 'first' });
    expect(layer.served - before).toBeLessThan(layer.size! / 4);
  });

  it('reads a file of an uncompressed layer at its offset, without the bytes before it', async () => {
    const { src, img } = await open([[L.file('before.bin', BIG), L.file('wanted.txt', 'wanted')]], 'none');
    const layer = src.layers[0];
    const served = layer.served;
    const { size, stream } = await openFile(img, 'wanted.txt');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect([size, Buffer.concat(chunks).toString()]).toEqual([6, 'wanted']);
    expect(layer.offsets.at(-1)).toBeGreaterThan(BIG.length);
    expect(layer.served - served).toBeLessThan(64 * 1024 + 1);
  });

  it('saves a folder: files with their modes, hard links as copies, symlinks as symlinks, devices skipped', async () => {
    const { img } = await open([base, [L.dir('usr/bin'), L.file('usr/bin/later', 'later')]]);
    const out = join(root, 'saved-bin');
    const result = await saveToDisk(img, 'usr/bin', out);
    expect(result).toMatchObject({ target: out, files: 3, dirs: 1, symlinks: 3, skipped: [{ path: 'usr/bin/null', reason: 'a char (not saved)' }] });
    expect((await readdir(out)).sort()).toEqual(['abs', 'host', 'later', 'rel', 'tool', 'tool-link']);
    expect(await readFile(join(out, 'tool-link'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
    expect((await stat(join(out, 'tool'))).mode & 0o7777).toBe(0o755);
    expect(await readlink(join(out, 'host'))).toBe('/etc/passwd');
    expect((await lstat(join(out, 'host'))).isSymbolicLink()).toBe(true);
    expect((await readdir(root)).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('saves one file atomically and refuses to overwrite', async () => {
    const { img } = await open([base]);
    const out = join(root, 'big.bin');
    await saveToDisk(img, 'etc/big.bin', out);
    expect((await readFile(out)).equals(BIG)).toBe(true);
    await expect(saveToDisk(img, 'etc/motd', out)).rejects.toThrow(/already exists/);
    expect((await readFile(out)).equals(BIG)).toBe(true);
  });

  it('never writes through a symlink of the image, even when a later layer puts files below it', async () => {
    const outside = join(root, 'outside');
    const { img } = await open([
      [L.symlink('escape', outside), L.symlink('up', '../../..'), L.file('../../../climb', 'z')],
      [L.file('escape/pwned', 'x'), L.file('up/pwned', 'y')],
    ]);
    const out = join(root, 'saved');
    await saveToDisk(img, '', out);
    expect(await readFile(join(out, 'escape', 'pwned'), 'utf8')).toBe('x');
    expect(await readFile(join(out, 'up', 'pwned'), 'utf8')).toBe('y');
    // `..` is clamped at the image root, as runtimes do.
    expect(await readFile(join(out, 'climb'), 'utf8')).toBe('z');
    await expect(stat(outside)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(root, '..', 'climb'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves nothing behind when a save is cancelled', async () => {
    const { img } = await open([base]);
    const ac = new AbortController();
    const out = join(root, 'cancelled');
    const run = saveToDisk(img, 'etc', out, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await readdir(root)).filter((n) => n.includes('cancelled'))).toEqual([]);
  });
});
