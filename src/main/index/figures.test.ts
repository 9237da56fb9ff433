import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../store/content-store';
import { reclaim, storageFigures, tagReclaims, type SelectionItem } from './figures';
import { emptyRepo } from './model';
import { observeTagDigest } from './observe';
import { RegistryIndex } from './registry-index';
import { addImage, addIndex } from '../../../test/support/images/synthetic-index';

const L = (n: number, size: number): [string, number] => [`sha256:${String(n).repeat(64).slice(0, 64)}`, size];
const L1 = L(1, 1000);
const L2 = L(2, 2000);
const created = '2024-05-01T00:00:00Z';

/**
 * A small registry described twice: through the index's API (tags and untagged manifests), and
 * as the registry stores it (the revisions of each repository), for a brute-force GC.
 */
function seed(index: RegistryIndex) {
  const A = addImage(index, 'A', [L1, L2, L(3, 300)], { created: '2024-01-01T00:00:00Z' });
  const B = addImage(index, 'B', [L1, L2, L(4, 400)], { created: '2024-03-01T00:00:00Z' });
  const C = addImage(index, 'C', [L1, L(5, 500)], { created });
  const D = addImage(index, 'D', [L1, L(6, 600)], { created });
  const E = addImage(index, 'E', [L(7, 700)], { created, architecture: 'amd64' });
  const F = addImage(index, 'F', [L(8, 800)], { created, architecture: 'arm64' });
  const X = addIndex(index, [[E, 'linux/amd64'], [F, 'linux/arm64']]);
  const id = (d: string): number => index.model.digests.intern(d);
  const repo = (name: string, tags: Record<string, string>, untagged: string[] = []): void => {
    const r = { ...emptyRepo(), refreshedAt: 1 };
    for (const [t, d] of Object.entries(tags)) r.tags.set(t, id(d));
    for (const d of untagged) r.untagged.add(id(d));
    index.commitRepository(name, r);
  };
  repo('app/web', { v1: A, v2: B, latest: B });
  repo('mirror/web', { v1: A });
  repo('app/api', { '1': C }, [D]);
  repo('multi/tool', { '1': X });
  const revisions: Record<string, string[]> = { 'app/web': [A, B], 'mirror/web': [A], 'app/api': [C, D], 'multi/tool': [X, E, F] };
  return { A, B, C, D, E, F, X, revisions };
}

/** What garbage-collect marks for a set of revisions, with sizes (read back through the index's plain views). */
function marked(index: RegistryIndex, revisions: Record<string, string[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const digests of Object.values(revisions)) {
    for (const d of digests) {
      const m = index.manifest(d)!;
      out.set(d, m.manifestSize!);
      if (m.config) out.set(m.config.digest, m.config.size!);
      for (const l of m.layers) out.set(l.digest, l.size!);
      // An index marks its children's manifest blobs (all pushed here), not what they reference.
      for (const c of m.children) out.set(c.digest, index.manifest(c.digest)!.manifestSize!);
    }
  }
  return out;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

describe('storage figures and reclaim against a brute-force garbage collection', () => {
  let dir: string;
  let index: RegistryIndex;
  let s: ReturnType<typeof seed>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-figures-'));
    index = new RegistryIndex('test', join(dir, 'index'), new ContentStore(join(dir, 'content')));
    s = seed(index);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const brute = (remove: Record<string, string[]>): number => {
    const after = Object.fromEntries(Object.entries(s.revisions).map(([r, ds]) => [r, ds.filter((d) => !(remove[r] ?? []).includes(d))]));
    const before = marked(index, s.revisions);
    const kept = marked(index, after);
    return [...before].filter(([d]) => !kept.has(d)).reduce((n, [, size]) => n + size, 0);
  };

  it('the registry total is every marked blob once, and less than the naive sum of tag sizes', () => {
    const f = storageFigures(index);
    expect(f.totalStoredBytes).toBe(total(marked(index, s.revisions)));
    expect(f.unknownSizes).toBe(0);
    expect(f.tags).toBe(6);
    expect(f.naiveTagBytes).toBeGreaterThan(f.totalStoredBytes);
    const web = f.repositories.find((r) => r.repository === 'app/web')!;
    // Only app/web marks B's blobs (its manifest, config, L4); A's are shared with mirror/web, L1/L2 with everyone.
    expect(web.ownBytes).toBe(brute({ 'app/web': [s.A, s.B] }));
    expect(web.ownBytes + web.sharedBytes).toBe(total(marked(index, { w: s.revisions['app/web'] })));
    expect(web.lastPush).toBe('2024-03-01T00:00:00.000Z');
    expect(f.repositories.find((r) => r.repository === 'app/api')!.untagged).toBe(1);
  });

  const cases: [string, SelectionItem[], Record<string, string[]>][] = [
    ['a tag whose image another repository also stores frees nothing', [{ repository: 'app/web', tag: 'v1' }], {}],
    ['a tag takes the other tag on its digest with it', [{ repository: 'app/web', tag: 'v2' }], {}],
    ['an index frees only its own manifest: its children stay stored', [{ repository: 'multi/tool', tag: '1' }], {}],
    ['an index and one child by digest', [{ repository: 'multi/tool', tag: '1' }, { repository: 'multi/tool', digest: '' }], {}],
    ['an untagged manifest by digest', [{ repository: 'app/api', digest: '' }], {}],
    ['the same image in two repositories', [{ repository: 'app/web', tag: 'v1' }, { repository: 'mirror/web', tag: 'v1' }], {}],
    ['everything', [
      { repository: 'app/web', tag: 'v1' }, { repository: 'app/web', tag: 'v2' }, { repository: 'mirror/web', tag: 'v1' },
      { repository: 'app/api', tag: '1' }, { repository: 'multi/tool', tag: '1' },
    ], {}],
  ];

  it.each(cases)('%s', (name, selection) => {
    const items = selection.map((it) => ('digest' in it && it.digest === '' ? { ...it, digest: it.repository === 'app/api' ? s.D : s.F } : it));
    const remove: Record<string, string[]> = {};
    for (const it of items) {
      const d = 'tag' in it ? index.repository(it.repository)!.tags.find((t) => t.tag === it.tag)!.digest : it.digest;
      (remove[it.repository] ??= []).push(d);
    }
    const fig = reclaim(index, items);
    expect(fig.notFound).toEqual([]);
    expect(fig.unknownSizes).toBe(0);
    expect(fig.freedBytes).toBe(brute(remove));
    if (name.startsWith('a tag whose')) expect(fig.freedBytes).toBe(0);
    if (name.startsWith('a tag takes')) expect(fig.manifests).toEqual([{ repository: 'app/web', digest: s.B, tags: ['latest', 'v2'] }]);
    if (name.startsWith('an index frees')) {
      expect(fig.freedBytes).toBe(index.manifest(s.X)!.manifestSize);
      expect(fig.leftUntagged.map((u) => u.digest).sort()).toEqual([s.E, s.F].sort());
    }
    if (name.startsWith('an index and one child')) expect(fig.leftUntagged.map((u) => u.digest)).toEqual([s.E]);
  });

  it('reports what it does not know and gives per-tag figures', () => {
    const fig = reclaim(index, [{ repository: 'app/web', tag: 'nope' }, { repository: 'nope/x', tag: 'v1' }, { repository: 'app/web', digest: s.C }]);
    expect(fig.notFound).toHaveLength(3);
    expect(fig.freedBytes).toBe(0);
    const perTag = tagReclaims(index, 'app/web');
    expect(perTag.map((t) => [t.tag, t.withTags])).toEqual([['latest', ['v2']], ['v1', []], ['v2', ['latest']]]);
    expect(perTag[2].freedBytes).toBe(brute({ 'app/web': [s.B] }));
  });

  it('follows the index as tags move and Berth deletes', () => {
    // v1 moves to C: A stays stored in app/web, now untagged, so it still counts.
    observeTagDigest(index, 'app/web', 'v1', s.C);
    expect(index.repository('app/web')!.untagged).toEqual([s.A]);
    expect(storageFigures(index).totalStoredBytes).toBe(total(marked(index, s.revisions)));
    // Berth deletes the index: its children stay, untagged.
    index.forgetManifest('multi/tool', s.X);
    expect(index.repository('multi/tool')).toMatchObject({ tags: [], untagged: [s.E, s.F].sort() });
    const after = { ...s.revisions, 'multi/tool': [s.E, s.F], 'app/web': [s.A, s.B, s.C] };
    expect(storageFigures(index).totalStoredBytes).toBe(total(marked(index, after)));
  });

  it('a platform image deleted while its index stays: its layers go, its manifest blob stays', () => {
    const fig = reclaim(index, [{ repository: 'multi/tool', digest: s.F }]);
    expect(fig.freedBytes).toBe(brute({ 'multi/tool': [s.F] }));
    expect(fig.freedBytes).toBe(index.manifest(s.F)!.size);
    index.forgetManifest('multi/tool', s.F);
    // Still named by the index, but no longer a revision of the repository.
    expect(index.model.repo('multi/tool')!.missing.has(index.model.digests.id(s.F))).toBe(true);
    expect(storageFigures(index).totalStoredBytes).toBe(total(marked(index, { ...s.revisions, 'multi/tool': [s.X, s.E] })));
  });
});
