import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLayer, L, MTIME } from '../../../test/support/images/layers';
import { ContentStore } from '../store/content-store';
import { zstdFactory } from './decompress';
import { LAYER_FILES, LayerIndexer } from './layer-indexer';
import { tarBytes } from '../../../test/support/images/tar';
import { memoryLayer } from '../../../test/support/images/memory';
import { sha256 } from '../../../test/support/digest';

const LONG = `very/${'deep-directory-name/'.repeat(8)}with-a-file-name-past-one-hundred-bytes.txt`;
const GNU_LONG = `gnu/${'another-long-directory/'.repeat(6)}gnu-long-name.txt`;

const everyKind = [
  L.dir('etc', { mode: 0o755 }),
  L.file('etc/hosts', '127.0.0.1 localhost\n', { mode: 0o600, uid: 1000, gid: 1001 }),
  L.symlink('etc/localtime', '/usr/share/zoneinfo/UTC'),
  L.hardlink('etc/hosts.bak', 'etc/hosts'),
  L.char('dev/null'),
  L.fifo('run/pipe'),
  L.whiteout('var/cache/apt'),
  L.opaque('opt/app'),
  L.file(LONG, 'pax'),
  L.file(GNU_LONG, 'gnu', { gnu: true }),
  L.file('./dot/../weird//name', 'x'),
];

describe('layer file index', () => {
  let root: string;
  let indexer: LayerIndexer;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-contents-'));
    indexer = new LayerIndexer(new ContentStore(root));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('records every entry: kind, path, size, mode, owner, link target, whiteouts and long names', async () => {
    const layer = await buildLayer(everyKind);
    const index = await indexer.index(memoryLayer(layer.blob));
    const rows = [...index.entries()].map(({ path, kind, size, mode, uid, gid, link }) => ({ path, kind, size, mode, uid, gid, link }));
    expect(rows).toEqual([
      { path: 'etc', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, link: '' },
      { path: 'etc/hosts', kind: 'file', size: 20, mode: 0o600, uid: 1000, gid: 1001, link: '' },
      { path: 'etc/localtime', kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: '/usr/share/zoneinfo/UTC' },
      { path: 'etc/hosts.bak', kind: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, link: 'etc/hosts' },
      { path: 'dev/null', kind: 'char', size: 0, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: 'run/pipe', kind: 'fifo', size: 0, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: 'var/cache/apt', kind: 'whiteout', size: 0, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: 'opt/app', kind: 'opaque', size: 0, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: LONG, kind: 'file', size: 3, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: GNU_LONG, kind: 'file', size: 3, mode: 0o644, uid: 0, gid: 0, link: '' },
      { path: 'weird/name', kind: 'file', size: 1, mode: 0o644, uid: 0, gid: 0, link: '' },
    ]);
    expect(index.meta).toMatchObject({ key: layer.digest, count: 11, compression: 'gzip', storedBytes: layer.blob.length, tarBytes: layer.tar.length, fileBytes: 27 });
    expect(index.entry(1).mtime).toBe(MTIME.getTime() / 1000);
    // The data offset points at the file's bytes in the uncompressed tar.
    expect(layer.tar.toString('utf8', index.dataOffset[1], index.dataOffset[1] + 20)).toBe('127.0.0.1 localhost\n');
  });

  it('gives the same entries for the uncompressed layer', async () => {
    const gz = await indexer.index(memoryLayer((await buildLayer(everyKind)).blob));
    const plain = await buildLayer(everyKind, 'none');
    const index = await indexer.index(memoryLayer(plain.blob, { chunk: 777 }));
    expect(index.meta.compression).toBe('none');
    expect([...index.entries()]).toEqual([...gz.entries()]);
  });

  it('reads a layer once: the second call comes from the cache, concurrent calls share one read', async () => {
    const layer = await buildLayer(everyKind);
    const ref = memoryLayer(layer.blob);
    const [a, b] = await Promise.all([indexer.index(ref), indexer.index(ref)]);
    expect(ref.opens).toBe(1);
    const again = await new LayerIndexer(new ContentStore(root)).index(ref);
    expect(ref.opens).toBe(1);
    expect([...again.entries()]).toEqual([...a.entries()]);
    expect(b.count).toBe(a.count);
  });

  it('refuses bytes that do not match the digest and caches nothing', async () => {
    const layer = await buildLayer(everyKind);
    const wrong = sha256('something else');
    await expect(indexer.index(memoryLayer(layer.blob, { key: wrong }))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await indexer.store.hasDerived(LAYER_FILES, wrong)).toBe(false);
    expect(await readdir(dirname(indexer.store.derivedPath(LAYER_FILES, wrong)))).toEqual([]);
  });

  it('verifies a diff ID against the uncompressed tar when that is all that is known', async () => {
    const layer = await buildLayer(everyKind);
    const index = await indexer.index(memoryLayer(layer.blob, { key: layer.diffId, verify: 'tar' }));
    expect(index.meta.key).toBe(layer.diffId);
    await expect(indexer.index(memoryLayer(layer.blob, { key: sha256(layer.blob.subarray(1)), verify: 'tar' }))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('treats a damaged cache entry as a miss and builds it again', async () => {
    const layer = await buildLayer(everyKind);
    const ref = memoryLayer(layer.blob);
    await indexer.index(ref);
    await writeFile(indexer.store.derivedPath(LAYER_FILES, layer.digest), 'BRTHLFI1 not an index');
    const index = await indexer.index(ref);
    expect(ref.opens).toBe(2);
    expect(index.count).toBe(11);
  });

  it('says which Node reads zstd when the runtime cannot', async () => {
    const tar = await tarBytes(everyKind);
    const zstd = zstdFactory();
    if (!zstd) {
      const fake = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tar]);
      const err = await indexer.index(memoryLayer(fake)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNSUPPORTED' });
      expect((err as Error).message).toMatch(new RegExp(`zstd.*Node\\.js ${process.versions.node}.*Node\\.js 22\\.15`));
    } else {
      const blob = (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(tar);
      const index = await indexer.index(memoryLayer(blob));
      expect(index.meta.compression).toBe('zstd');
      expect(index.count).toBe(11);
    }
  });

  it('names a truncated gzip layer and a blob that is not a tar', async () => {
    const layer = await buildLayer([L.file('big', Buffer.alloc(200_000, 7))]);
    const cut = layer.blob.subarray(0, layer.blob.length - 100);
    await expect(indexer.index(memoryLayer(cut))).rejects.toMatchObject({ code: 'ARCHIVE_TRUNCATED' });
    await expect(indexer.index(memoryLayer(Buffer.from('this is not a tar archive at all'.repeat(40))))).rejects.toMatchObject({ code: 'ARCHIVE_NOT_TAR' });
  });

  it('cancels a running index and leaves no file behind', async () => {
    const specs = Array.from({ length: 3000 }, (_, i) => L.file(`f/${i}`, `file ${i}`));
    const layer = await buildLayer(specs);
    const ac = new AbortController();
    let aborted = false;
    const run = indexer.index(memoryLayer(layer.blob, { chunk: 512 }), {
      signal: ac.signal,
      onProgress: (p) => {
        if (!aborted && p.files > 0) {
          aborted = true;
          ac.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await indexer.store.hasDerived(LAYER_FILES, layer.digest)).toBe(false);
    expect(await readdir(dirname(indexer.store.derivedPath(LAYER_FILES, layer.digest)))).toEqual([]);
  });

  it('stops a layer that expands beyond the allowed ratio (a decompression bomb)', async () => {
    const layer = await buildLayer([L.file('zeros', Buffer.alloc(4 * 1024 * 1024))]);
    const strict = new LayerIndexer(new ContentStore(root), { maxExpansion: 10, expansionAllowance: 0 });
    await expect(strict.index(memoryLayer(layer.blob))).rejects.toMatchObject({ code: 'ARCHIVE_TOO_LARGE' });
    expect(await strict.store.hasDerived(LAYER_FILES, layer.digest)).toBe(false);
  });

  it('stops a layer with more entries than the limit', async () => {
    const layer = await buildLayer(Array.from({ length: 50 }, (_, i) => L.file(`f${i}`)));
    const small = new LayerIndexer(new ContentStore(root), { maxEntries: 20 });
    await expect(small.index(memoryLayer(layer.blob))).rejects.toMatchObject({ code: 'ARCHIVE_TOO_LARGE' });
  });
});
