import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../store/content-store';
import { storageFigures } from './figures';
import { observeTagDigest } from './observe';
import { IndexStore, RegistryIndex, folderName } from './registry-index';
import { searchIndex } from './search';
import { addImage, fillSynthetic } from '../../../test/support/images/synthetic-index';

describe('RegistryIndex on disk', () => {
  let dir: string;
  const open = async (): Promise<RegistryIndex> => {
    const idx = new RegistryIndex('reg', join(dir, 'index'), new ContentStore(join(dir, 'content')));
    await idx.load();
    return idx;
  };
  const file = (): string => join(dir, 'index', 'index.jsonl');
  const snapshot = (idx: RegistryIndex) => ({
    repos: idx.repositories().map((r) => idx.repository(r)),
    figures: storageFigures(idx),
    search: searchIndex(idx, 'label:team=web platform:linux/arm64').hits,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-index-file-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back exactly what it wrote, from appended lines and from a compacted file', async () => {
    const a = await open();
    fillSynthetic(a, { repositories: 40, tagsPerRepository: 12, perNamespace: 10 });
    a.model.build = { gen: 3, running: true, startedAt: 5, finishedAt: null, catalog: ['x', 'y'] };
    a.markBuildChanged();
    await a.flush();
    const before = snapshot(a);
    expect(before.search.length).toBeGreaterThan(0);
    const b = await open();
    expect(snapshot(b)).toEqual(before);
    expect(b.model.build).toEqual({ gen: 3, running: true, startedAt: 5, finishedAt: null, catalog: ['x', 'y'] });
    // Changes after the first write, then a compaction: the same state, a smaller file.
    observeTagDigest(b, 'ns0/app-0', 'v0.0', b.repository('ns0/app-1')!.tags[0].digest);
    b.forgetManifest('ns0/app-2', b.repository('ns0/app-2')!.tags[0].digest);
    await b.flush();
    const changed = snapshot(b);
    expect(snapshot(await open())).toEqual(changed);
    const grown = (await readFile(file())).length;
    await b.compact();
    expect((await readFile(file())).length).toBeLessThan(grown);
    expect(snapshot(await open())).toEqual(changed);
    expect((await readdir(join(dir, 'index'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a torn last line (a crash mid-append) is dropped and never glued to the next one', async () => {
    const a = await open();
    const d = addImage(a, 'x', [[`sha256:${'1'.repeat(64)}`, 10]], { created: '2024-01-01T00:00:00Z' });
    observeTagDigest(a, 'team/app', 'v1', d);
    await a.flush();
    await appendFile(file(), '{"k":"r","n":"team/app","g":0,"at":0,"tg":{"sha256:');
    const b = await open();
    expect(b.repository('team/app')!.tags).toEqual([{ tag: 'v1', digest: d }]);
    expect((await readFile(file(), 'utf8')).endsWith('\n')).toBe(true);
    observeTagDigest(b, 'team/app', 'v2', d);
    await b.flush();
    expect((await open()).repository('team/app')!.tags.map((t) => t.tag)).toEqual(['v1', 'v2']);
  });

  it('sets a file of another format aside and starts empty', async () => {
    await writeFile(join(await mkdirp(join(dir, 'index')), 'index.jsonl'), '{"k":"v","format":99}\n{"k":"r","n":"a","tg":{}}\n');
    const a = await open();
    expect(a.repositories()).toEqual([]);
    expect((await readdir(join(dir, 'index'))).some((f) => f.startsWith('index.jsonl.format-'))).toBe(true);
  });

  it('IndexStore opens one index per key in its own folder', async () => {
    const store = new IndexStore(join(dir, 'indexes'), new ContentStore(join(dir, 'content')));
    const [a, a2, b] = await Promise.all([store.index('https://r.example:5000'), store.index('https://r.example:5000'), store.index('other')]);
    expect(a).toBe(a2);
    expect(a.dir).not.toBe(b.dir);
    expect(folderName('../../etc')).toMatch(/^etc-[0-9a-f]{12}$/);
    expect(folderName('https://r.example:5000')).toMatch(/^https_r.example_5000-[0-9a-f]{12}$/);
    await store.closeAll();
  });
});

async function mkdirp(path: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path, { recursive: true });
  return path;
}
