/**
 * The merged view and the diff against the reference: images with whiteouts, opaque and
 * replaced directories, hard links, symlinks, long PAX/GNU names and a file changed in three
 * layers are pushed to a real registry, unpacked by umoci, and compared path by path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { buildLayer, L } from '../../../test/support/images/layers';
import { sameBytes, type TreeEntry, umociUnpack, walkTree } from '../../../test/support/images/unpacked-tree';
import { clientFor } from '../../../test/support/engine/client';
import type { RegistryClient } from '../registry/client';
import { ContentStore } from '../store/content-store';
import { diffImages } from './diff';
import { ContentsEngine, type ImageFiles } from './engine';
import { registryImage } from './image-source';
import { pushLayers } from '../../../test/support/images/push';

const PAX_NAME = `opt/${'a-rather-long-directory-name/'.repeat(6)}pax-named-file.txt`;
const GNU_NAME = `opt/${'another-long-directory-name/'.repeat(5)}gnu-named-file.txt`;

/** Bottom layer shared by both images. */
const base = () =>
  buildLayer([
    L.dir('etc'),
    L.file('etc/config', 'v1'.repeat(50)),
    L.file('etc/hosts', '127.0.0.1 localhost\n'),
    L.file('etc/passwd', 'root:x:0:0\n'),
    L.symlink('etc/localtime', '/usr/share/zoneinfo/UTC'),
    L.dir('usr'),
    L.dir('usr/bin'),
    L.file('usr/bin/busybox', 'B'.repeat(1000), { mode: 0o755 }),
    L.hardlink('usr/bin/sh', 'usr/bin/busybox', 0o755),
    L.symlink('usr/bin/ls', 'busybox'),
    L.dir('var'),
    L.dir('var/cache'),
    L.dir('var/cache/apt'),
    L.file('var/cache/apt/pkg1.deb', 'D'.repeat(5000)),
    L.file('var/cache/apt/pkg2.deb', 'E'.repeat(3000)),
    L.dir('opt'),
    L.dir('opt/app'),
    L.file('opt/app/old.txt', 'old'),
    L.dir('opt/app/sub'),
    L.file('opt/app/sub/deep.txt', 'deep'),
    L.dir('data', { mode: 0o750 }),
    L.file('data/a', 'a'),
    L.file(PAX_NAME, 'pax'),
    L.file(GNU_NAME, 'gnu', { gnu: true }),
    L.fifo('etc/initctl'),
    L.dir('ro', { mode: 0o555 }),
    L.file('ro/readme', 'read only', { mode: 0o444 }),
  ]);

/** Image A: a layer deleting a file and a directory, an opaque dir, a dir replaced by a file; then a third version of etc/config. */
async function imageA(b: Awaited<ReturnType<typeof base>>) {
  const l1 = await buildLayer([
    L.dir('etc'),
    L.file('etc/config', 'v2'.repeat(100)),
    L.whiteout('etc/hosts'),
    L.whiteout('var/cache/apt'),
    L.dir('opt/app'),
    L.opaque('opt/app'),
    L.file('opt/app/new.txt', 'new'),
    L.file('data', 'data is a file now'),
  ]);
  const l2 = await buildLayer([
    L.dir('etc'),
    L.file('etc/config', 'v3'.repeat(150)),
    L.file('etc/passwd', 'root:x:0:0\n', { mode: 0o600 }),
    L.file('usr/bin/busybox', 'N'.repeat(10), { mode: 0o755 }),
    L.symlink('usr/bin/ls', '/usr/bin/busybox'),
  ]);
  return [b, l1, l2];
}

/** Image B: the same base, then other changes (for the diff). */
async function imageB(b: Awaited<ReturnType<typeof base>>) {
  const l1 = await buildLayer([
    L.dir('etc'),
    L.file('etc/config', 'xx'.repeat(50)),
    L.file('etc/motd', 'welcome'),
    L.whiteout('etc/passwd'),
    L.dir('opt/app/sub', { mode: 0o700 }),
    L.file('opt/app/sub/deep.txt', 'DEEP'),
    L.file('opt/app/old.txt', 'old', { mode: 0o640 }),
    L.whiteout('data'),
    L.dir('srv'),
    L.file('srv/index.html', '<html></html>'),
    L.symlink('usr/bin/ls', 'toybox'),
    // Same size and mode as in A, other bytes; and a file equal to A's but from another layer.
    L.file('usr/bin/busybox', 'M'.repeat(10), { mode: 0o755 }),
    L.dir('opt/app'),
    L.file('opt/app/new.txt', 'new'),
  ]);
  return [b, l1];
}

/** The engine's merged filesystem walked through its own listing API, in the reference's terms. */
function mergedTree(img: ImageFiles): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const visit = (path: string): void => {
    for (const e of img.list(path, {}, 0, 100_000).entries) {
      const kind = e.kind === 'hardlink' && !e.brokenLink ? 'file' : e.kind;
      const type = ({ file: 'f', dir: 'd', symlink: 'l', fifo: 'p', char: 'c', block: 'b' } as Record<string, TreeEntry['type']>)[kind] ?? '?';
      out.set(e.path, { type, size: type === 'f' ? e.size : 0, mode: type === 'l' ? 0 : e.mode, link: type === 'l' ? (e.link ?? '') : '' });
      if (type === 'd') visit(e.path);
    }
  };
  visit('');
  return out;
}

const sorted = (m: Map<string, TreeEntry>) => new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

describe('merged view and diff against umoci', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  let dir: string;
  let engine: ContentsEngine;
  const rootfs: Record<string, string> = {};

  beforeAll(async () => {
    reg = await startRegistry();
    client = clientFor(reg);
    dir = await mkdtemp(join(tmpdir(), 'berth-umoci-'));
    engine = new ContentsEngine(new ContentStore(join(dir, 'store')));
    const b = await base();
    await pushLayers(reg, 'gallery', ['a'], await imageA(b), { env: ['PATH=/bin', 'MODE=a'], cmd: ['sh'] });
    await pushLayers(reg, 'gallery', ['b'], await imageB(b), { env: ['PATH=/bin', 'MODE=b'], cmd: ['sh', '-c', 'serve'], exposedPorts: ['80'] });
    for (const tag of ['a', 'b']) rootfs[tag] = await umociUnpack(reg, 'gallery', tag, join(dir, 'layout'), join(dir, `bundle-${tag}`));
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (tag: string) => engine.openImage(await registryImage(client, 'gallery', tag, { store: engine.store }));

  it('merges the layers into exactly the tree umoci unpacks', async () => {
    const img = await open('a');
    const reference = await walkTree(rootfs.a);
    // The cases the image was built for are really in the reference …
    expect(reference.get('usr/bin/sh')).toEqual({ type: 'f', size: 1000, mode: 0o755, link: '' });
    expect(reference.get('data')).toMatchObject({ type: 'f' });
    expect(reference.has('var/cache/apt')).toBe(false);
    expect(reference.has(PAX_NAME) && reference.has(GNU_NAME)).toBe(true);
    // … and the engine agrees on every path.
    expect(sorted(mergedTree(img))).toEqual(sorted(reference));
    expect(img.stat('etc/config')).toMatchObject({ size: 300, addedIn: 0, changedIn: [1, 2] });
    expect(img.stat('var/cache/apt/pkg1.deb')).toMatchObject({ removed: true, removedIn: 1 });
    expect(img.summary.layers.map((l) => l.wastedBytes)).toEqual([100 + 20 + 11 + 8000 + 3 + 4 + 1, 200, 0]);
  });

  it('reads the same bytes as umoci wrote', async () => {
    const img = await open('a');
    const { readText } = await import('./files-out');
    expect(await readText(img, 'usr/bin/sh')).toMatchObject({ text: 'B'.repeat(1000) });
    expect(await readText(img, GNU_NAME)).toMatchObject({ text: 'gnu' });
  });

  it('diffs two images exactly as a brute-force comparison of the unpacked trees', async () => {
    const [a, b] = await Promise.all([open('a'), open('b')]);
    const d = diffImages(a, b);
    const [ta, tb] = await Promise.all([walkTree(rootfs.a), walkTree(rootfs.b)]);
    const added = [...tb.keys()].filter((p) => !ta.has(p)).sort();
    const removed = [...ta.keys()].filter((p) => !tb.has(p)).sort();
    const metadata: string[] = [];
    const content: string[] = [];
    for (const [p, x] of ta) {
      const y = tb.get(p);
      if (!y) continue;
      if (x.type !== y.type || x.size !== y.size || x.mode !== y.mode || x.link !== y.link) metadata.push(p);
      else if (x.type === 'f' && !(await sameBytes(join(rootfs.a, p), join(rootfs.b, p)))) content.push(p);
    }
    const of = (c: string) => d.files.filter((f) => f.change === c).map((f) => f.path).sort();
    expect(of('added')).toEqual(added);
    expect(of('removed')).toEqual(removed);
    expect(of('changed')).toEqual(metadata.sort());
    // Same metadata, other bytes: reported as "maybe"; every "maybe" has the same metadata on both sides.
    expect(content).toEqual(['usr/bin/busybox']);
    expect(of('maybe')).toEqual(['opt/app/new.txt', 'usr/bin/busybox']);
    for (const p of content) expect(of('maybe')).toContain(p);
    for (const p of of('maybe')) expect(metadata).not.toContain(p);
    expect(d.layers.shared).toBe(1);
    expect(d.config).toContainEqual({ field: 'env', key: 'MODE', a: 'a', b: 'b' });
    expect(d.summary).toMatch(/^\+\d+ files, −\d+, \d+ changed/);
  });
});
