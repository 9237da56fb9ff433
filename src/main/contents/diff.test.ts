import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer, L } from '../../../test/support/images/layers';
import { ContentStore } from '../store/content-store';
import { diffImages, formatBytes, summaryLine } from './diff';
import { ContentsEngine } from './engine';
import { memoryImage } from '../../../test/support/images/memory';

describe('image diff', () => {
  let root: string;
  let engine: ContentsEngine;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-diff-'));
    engine = new ContentsEngine(new ContentStore(root));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds added, removed, changed and maybe-changed files, and config, history and layer differences', async () => {
    const base = await buildLayer([
      L.dir('app'),
      L.file('app/same', 'same'),
      L.file('app/gone', 'bye'),
      L.file('app/grows', 'x'),
      L.file('app/mode', 'm', { mode: 0o644 }),
      L.symlink('app/link', 'same'),
      L.file('app/becomes-dir', 'f'),
      L.dir('app/old-dir'),
      L.file('app/old-dir/inner', 'i'),
    ]);
    const topA = await buildLayer([L.dir('app'), L.file('app/rebuilt', 'abc')]);
    const topB = await buildLayer([
      L.dir('app'),
      L.file('app/rebuilt', 'xyz'),
      L.whiteout('app/gone'),
      L.file('app/grows', 'xxxxxxxxxx'),
      L.file('app/mode', 'm', { mode: 0o755 }),
      L.symlink('app/link', 'other'),
      L.dir('app/becomes-dir'),
      L.file('app/becomes-dir/child', 'c'),
      L.whiteout('app/old-dir'),
      L.file('app/new', 'new file'),
    ]);
    const cfg = (env: string[], extra: Record<string, unknown>, history: string[]) => ({
      os: 'linux',
      architecture: 'amd64',
      config: { Env: env, ...extra },
      history: history.map((h) => ({ created_by: h })),
    });
    const a = await engine.openImage(
      memoryImage([base.blob, topA.blob], cfg(['PATH=/bin', 'MODE=a'], { Cmd: ['run'], User: 'app', ExposedPorts: { '80/tcp': {} }, Labels: { v: '1' } }, ['FROM base', 'COPY a']), 'img:a'),
    );
    const b = await engine.openImage(
      memoryImage([base.blob, topB.blob], cfg(['PATH=/bin', 'NEW=1'], { Cmd: ['run', '--fast'], ExposedPorts: { '443/tcp': {} }, Volumes: { '/data': {} }, Labels: { v: '2' } }, ['FROM base', 'COPY b']), 'img:b'),
    );
    const d = diffImages(a, b);
    const byPath = Object.fromEntries(d.files.map((f) => [f.path, [f.change, f.fields.join(',')]]));
    expect(byPath).toEqual({
      'app/becomes-dir': ['changed', 'kind'],
      'app/becomes-dir/child': ['added', ''],
      'app/gone': ['removed', ''],
      'app/grows': ['changed', 'size'],
      'app/link': ['changed', 'link'],
      'app/mode': ['changed', 'mode'],
      'app/new': ['added', ''],
      'app/old-dir': ['removed', ''],
      'app/old-dir/inner': ['removed', ''],
      // Same size and mode, but from another layer: the bytes may differ.
      'app/rebuilt': ['maybe', ''],
    });
    expect(d.files.find((f) => f.path === 'app/grows')).toMatchObject({ sizeA: 1, sizeB: 10 });
    expect(d.totals).toEqual({ added: 2, removed: 2, changed: 4, maybe: 1, sizeDelta: 8 + 9 + 1 - 3 - 1 - 1 });
    expect(d.summary).toBe('+2 files, −2, 5 changed (1 maybe), +13 B');
    expect(d.config).toEqual([
      { field: 'env', key: 'MODE', a: 'a', b: null },
      { field: 'env', key: 'NEW', a: null, b: '1' },
      { field: 'cmd', a: ['run'], b: ['run', '--fast'] },
      { field: 'user', a: 'app', b: null },
      { field: 'labels', key: 'v', a: '1', b: '2' },
      { field: 'exposedPorts', key: '443/tcp', a: null, b: '443/tcp' },
      { field: 'exposedPorts', key: '80/tcp', a: '80/tcp', b: null },
      { field: 'volumes', key: '/data', a: null, b: '/data' },
    ]);
    expect(d.history).toMatchObject({ shared: 1, a: [{ createdBy: 'COPY a' }], b: [{ createdBy: 'COPY b' }] });
    expect(d.layers).toMatchObject({ shared: 1, a: [{ index: 1, digest: topA.digest }], b: [{ index: 1, digest: topB.digest }] });
  });

  it('finds nothing between an image and itself', async () => {
    const layer = await buildLayer([L.file('a', 'a'), L.file('b', 'b')]);
    const img = await engine.openImage(memoryImage([layer.blob]));
    const d = diffImages(img, img);
    expect(d.files).toEqual([]);
    expect(d.summary).toBe('+0 files, −0, 0 changed, +0 B');
  });

  it('writes sizes the way registries do', () => {
    expect([formatBytes(999), formatBytes(31_400_000), formatBytes(1_250_000), formatBytes(-2_000_000_000)]).toEqual(['999 B', '31 MB', '1.3 MB', '2.0 GB']);
    expect(summaryLine({ added: 212, removed: 3, changed: 48, maybe: 0, sizeDelta: -31_000_000 })).toBe('+212 files, −3, 48 changed, −31 MB');
  });
});
