import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLayer, L, type TarEntry } from '../../../test/support/images/layers';
import { ContentStore } from '../store/content-store';
import { ContentsEngine } from './engine';
import { memoryImage } from '../../../test/support/images/memory';

const bytes = (n: number, c = 'x') => Buffer.alloc(n, c);

async function image(...layers: TarEntry[][]) {
  return memoryImage(await Promise.all(layers.map(async (l) => (await buildLayer(l)).blob)));
}

describe('merged filesystem', () => {
  let root: string;
  let engine: ContentsEngine;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-merge-'));
    engine = new ContentsEngine(new ContentStore(root));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const names = (l: { entries: { name: string }[] }) => l.entries.map((e) => e.name);

  it('tracks a file changed in three layers and counts the hidden versions as wasted', async () => {
    const src = await image(
      [L.dir('app'), L.file('app/config', bytes(100)), L.file('app/keep', bytes(7))],
      [L.dir('app'), L.file('app/config', bytes(200))],
      [L.dir('app'), L.file('app/config', bytes(300))],
    );
    const img = await engine.openImage(src);
    expect(img.stat('app/config')).toMatchObject({ kind: 'file', size: 300, addedIn: 0, changedIn: [1, 2], removedIn: null, status: 'changed' });
    expect(img.stat('app/keep')).toMatchObject({ size: 7, addedIn: 0, changedIn: [], status: 'added' });
    // A directory entry that repeats the same mode and owner is not a change.
    expect(img.stat('app')).toMatchObject({ kind: 'dir', size: 307, changedIn: [] });
    const s = img.summary;
    expect(s.layers.map((l) => l.wastedBytes)).toEqual([100, 200, 0]);
    expect(s.layers.map((l) => [l.added, l.changed, l.removed])).toEqual([[3, 0, 0], [0, 1, 0], [0, 1, 0]]);
    expect(s).toMatchObject({ files: 2, dirs: 1, totalBytes: 307, layerFileBytes: 607, wastedBytes: 300 });
    expect(s.efficiency).toBeCloseTo(1 - 300 / 607, 10);
    expect(s.topWasted).toEqual([{ path: 'app/config', bytes: 300, versions: 2 }]);
  });

  it('applies whiteouts and opaque directories to lower layers only', async () => {
    const src = await image(
      [L.dir('etc'), L.file('etc/passwd', 'root'), L.file('etc/shadow', 'x'), L.dir('opt'), L.dir('opt/app'), L.file('opt/app/old', bytes(50)), L.dir('opt/app/sub'), L.file('opt/app/sub/deep', bytes(5))],
      // The whiteout comes after a same-named file of this layer in tar order: that file survives.
      [L.dir('etc'), L.file('etc/shadow', 'new'), L.whiteout('etc/shadow'), L.whiteout('etc/passwd'), L.dir('opt/app'), L.file('opt/app/new', 'n'), L.opaque('opt/app')],
    );
    const img = await engine.openImage(src);
    expect(names(img.list('etc'))).toEqual(['shadow']);
    expect(img.stat('etc/shadow')).toMatchObject({ size: 3, status: 'changed', changedIn: [1] });
    expect(img.stat('etc/passwd')).toMatchObject({ removed: true, removedIn: 1, addedIn: 0, status: 'removed' });
    expect(names(img.list('opt/app'))).toEqual(['new']);
    expect(names(img.list('opt/app', { show: ['added', 'changed', 'removed'] }))).toEqual(['new', 'old', 'sub']);
    expect(img.stat('opt/app/sub/deep')).toMatchObject({ removed: true, removedIn: 1 });
    // Layer 1's own view: what it added, changed and removed.
    const layer1 = img.list('opt/app', { layer: 1 });
    expect(layer1.entries.map((e) => [e.name, e.status])).toEqual([['new', 'added'], ['old', 'removed'], ['sub', 'removed']]);
    expect(img.summary.layers[0].wastedBytes).toBe(4 + 1 + 50 + 5);
  });

  it('hides the lower children of a directory that a file or symlink replaces', async () => {
    const src = await image(
      [L.dir('data'), L.file('data/a', bytes(10)), L.dir('data/b'), L.file('data/b/c', bytes(20)), L.file('lib', 'file')],
      [L.symlink('data', '/srv/data'), L.dir('lib'), L.file('lib/x.so', 'so')],
    );
    const img = await engine.openImage(src);
    expect(img.stat('data')).toMatchObject({ kind: 'symlink', link: '/srv/data', status: 'changed', children: 0 });
    expect(img.stat('data/a')).toBeNull();
    expect(img.stat('lib')).toMatchObject({ kind: 'dir', changedIn: [1] });
    expect(names(img.list('lib'))).toEqual(['x.so']);
    expect(img.summary.layers[0].wastedBytes).toBe(30 + 4);
    expect(img.summary.topWasted[0]).toMatchObject({ path: 'data', bytes: 30 });
  });

  it('treats a whiteout plus a new directory in one layer as replacing it', async () => {
    const src = await image([L.dir('var'), L.dir('var/lib'), L.file('var/lib/db', bytes(9))], [L.whiteout('var/lib'), L.dir('var/lib', { mode: 0o700 }), L.file('var/lib/fresh', 'f')]);
    const img = await engine.openImage(src);
    expect(img.stat('var/lib')).toMatchObject({ kind: 'dir', mode: 0o700, status: 'changed', changedIn: [1] });
    expect(names(img.list('var/lib'))).toEqual(['fresh']);
    expect(img.stat('var/lib/db')).toMatchObject({ removed: true, removedIn: 1 });
  });

  it('resolves a hard link to the content its target had when the link was made', async () => {
    const src = await image(
      [L.dir('bin'), L.file('bin/busybox', bytes(1000), { mode: 0o755 }), L.hardlink('bin/sh', 'bin/busybox', 0o755), L.hardlink('bin/dangling', 'bin/nothing')],
      [L.dir('bin'), L.file('bin/busybox', bytes(10), { mode: 0o755 })],
    );
    const img = await engine.openImage(src);
    expect(img.stat('bin/sh')).toMatchObject({ kind: 'hardlink', link: 'bin/busybox', size: 1000, brokenLink: false });
    expect(img.stat('bin/busybox')).toMatchObject({ size: 10 });
    expect(img.stat('bin/dangling')).toMatchObject({ brokenLink: true, size: 0 });
    // The old busybox bytes are still visible through bin/sh: not wasted.
    expect(img.summary.layers[0].wastedBytes).toBe(0);
    // Directory sizes count a hard-linked file once.
    expect(img.stat('bin')?.size).toBe(10);
  });

  it('creates directories that no entry names, and lists, searches and ranks through filters', async () => {
    const src = await image(
      [L.file('usr/lib/libc.so.6', bytes(500)), L.file('usr/lib/libm.so.6', bytes(300)), L.file('usr/share/doc/README', bytes(40))],
      [L.file('usr/lib/libssl.so.3', bytes(900)), L.whiteout('usr/share/doc')],
    );
    const img = await engine.openImage(src);
    expect(img.stat('usr/lib')).toMatchObject({ kind: 'dir', implicit: true, mode: 0o755 });
    expect(img.list('').entries.map((e) => [e.name, e.children])).toEqual([['usr', 2]]);
    // Deleting usr/share/doc leaves usr/share (empty) in place.
    expect(img.list('usr').entries.map((e) => [e.name, e.children])).toEqual([['lib', 3], ['share', 0]]);
    expect(img.find('*.so.*').entries.map((e) => e.path)).toEqual(['usr/lib/libc.so.6', 'usr/lib/libm.so.6', 'usr/lib/libssl.so.3']);
    expect(img.find('/usr/**/lib{c,ssl}*').entries.map((e) => e.path)).toEqual(['usr/lib/libc.so.6', 'usr/lib/libssl.so.3']);
    expect(img.find('README', { show: ['removed'] }).entries.map((e) => e.path)).toEqual(['usr/share/doc/README']);
    expect(img.find('*', { layer: 1, show: ['added'] }).entries.map((e) => e.path)).toEqual(['usr/lib/libssl.so.3']);
    expect(img.biggest(2).map((e) => [e.path, e.size])).toEqual([['usr/lib/libssl.so.3', 900], ['usr/lib/libc.so.6', 500]]);
    expect(() => img.list('', { layer: 5 })).toThrow(/no layer 5/);
    expect(() => img.list('usr/lib/libc.so.6')).toThrow(/not a folder/);
  });

  it('opens a cached image without reading a layer, and pages a large directory', async () => {
    const files = Array.from({ length: 2500 }, (_, i) => L.file(`many/f${String(i).padStart(5, '0')}`, 'x'));
    const src = await image(files, [L.file('top', 'y')]);
    const first = await engine.openImage(src);
    expect(src.layers.map((l) => l.opens)).toEqual([1, 1]);
    const again = await new ContentsEngine(new ContentStore(root)).openImage(src);
    expect(src.layers.map((l) => l.opens)).toEqual([1, 1]);
    const page = again.list('many', {}, 1000, 3);
    expect(page).toMatchObject({ total: 2500, offset: 1000 });
    expect(page.entries.map((e) => e.path)).toEqual(['many/f01000', 'many/f01001', 'many/f01002']);
    expect(again.summary).toEqual(first.summary);
  });
});
