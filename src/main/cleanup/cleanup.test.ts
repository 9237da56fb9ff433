/** Plan and apply against a real docker-registry: decisions, dry run, deletes, freed bytes checked by GC. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage } from '../../../test/support/images/push';
import type { CleanupProgress } from '../../shared/cleanup-types';
import { fetchManifest, listAllTags } from '../registry';
import { clientFor } from '../../../test/support/engine/client';
import { applyCleanup, planCleanup } from './index';
import { registryGarbageCollect } from '../../../test/support/registry/garbage-collect';
import { seedClient } from '../../../test/support/images/seed-client';
import { storedBlobs } from '../../../test/support/registry/storage';

const NOW = new Date('2025-01-01T00:00:00Z');
const day = (d: number): string => `2024-06-${String(d).padStart(2, '0')}T12:00:00Z`;
const sorted = (a: string[]): string[] => [...a].sort();

/** Config + layer blobs of an image, as the seed pushed them. */
function blobsOf(img: PushedImage): Map<string, number> {
  const cfg = img.manifest.config as { digest: string; size: number };
  return new Map([[cfg.digest, cfg.size], ...img.layers.map((l) => [l.digest, l.size] as [string, number])]);
}

describe('six tags, keep the newest two', () => {
  let reg: RunningRegistry;
  const repo = 'team/app';
  const images: Record<string, PushedImage> = {};

  beforeAll(async () => {
    reg = await startRegistry();
    // t2 (deleted) shares its first layer with t5 (kept); t1 and t3 (both deleted) share theirs.
    const spec: [string, string, number[]][] = [
      ['t1', 'pair-a', [700, 900]],
      ['t2', 'pair-b', [800, 1000]],
      ['t3', 'pair-a', [700, 1100]],
      ['t4', 'solo-4', [600, 650]],
      ['t5', 'pair-b', [800, 1200]],
      ['t6', 'solo-6', [640, 660]],
    ];
    for (const [i, [tag, seed, layerSizes]] of spec.entries()) {
      images[tag] = await pushImage(reg, repo, [tag], { seed, layerSizes, created: day(i + 1) });
    }
  });
  afterAll(async () => reg?.stop());

  it('plans 4 deletes and 2 keeps, with freed bytes deduplicated against the kept images', async () => {
    const c = clientFor(reg);
    const progress: CleanupProgress[] = [];
    const plan = await planCleanup(c, repo, { keepNewest: 2 }, { now: NOW, onProgress: (p) => progress.push(p) });
    // One tag list, then per tag one manifest and one config (six distinct images).
    expect(c.requestCount).toBe(1 + 6 + 6);
    expect(plan.tags.map((r) => [r.tag, r.decision])).toEqual([
      ['t6', 'keep'], ['t5', 'keep'], ['t4', 'delete'], ['t3', 'delete'], ['t2', 'delete'], ['t1', 'delete'],
    ]);
    expect([plan.keptCount, plan.deleteCount, plan.protectedCount]).toEqual([2, 4, 0]);
    expect(plan.tags[0]).toMatchObject({ digest: images.t6.digest, created: day(6), size: images.t6.size, reason: 'among the 2 newest' });
    expect(sorted(plan.deleteDigests.map((d) => d.digest))).toEqual(sorted(['t1', 't2', 't3', 't4'].map((t) => images[t].digest)));
    expect(plan.deleteDigests.every((d) => d.tags.length === 1)).toBe(true);

    const kept = new Set(['t5', 't6'].flatMap((t) => [...blobsOf(images[t]).keys()]));
    const freed = new Map<string, number>();
    for (const t of ['t1', 't2', 't3', 't4']) for (const [d, s] of blobsOf(images[t])) if (!kept.has(d)) freed.set(d, s);
    const expected = [...freed.values()].reduce((a, b) => a + b, 0);
    // The seeds really share: one layer with a kept image, one between two deleted images.
    expect(kept.has(images.t2.layers[0].digest)).toBe(true);
    expect(images.t1.layers[0].digest).toBe(images.t3.layers[0].digest);
    expect(plan.freedBytes).toBe(expected);
    expect(plan.freedBytes).toBeLessThan(['t1', 't2', 't3', 't4'].reduce((n, t) => n + images[t].size, 0));
    expect(progress.at(-1)).toEqual({ repository: repo, done: 6, total: 6, current: null });
    expect(progress.filter((p) => p.current !== null)).toHaveLength(6);

    // Dry run: reports the four digests and changes nothing.
    const dry = await applyCleanup(c, plan, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.deleted.map((d) => d.ok)).toEqual([true, true, true, true]);
    expect(sorted(await listAllTags(c, repo))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);

    // Apply: exactly the two newest stay.
    const before = await storedBlobs(reg);
    const applied: CleanupProgress[] = [];
    const res = await applyCleanup(c, plan, { dryRun: false, onProgress: (p) => applied.push(p) });
    expect(res.stopped).toBeNull();
    expect(res.deleted.map((d) => [d.digest, d.ok, d.tags])).toEqual(plan.deleteDigests.map((d) => [d.digest, true, d.tags]));
    expect(sorted(await listAllTags(c, repo))).toEqual(['t5', 't6']);
    expect(applied.at(-1)).toMatchObject({ done: 4, total: 4, current: null });

    // After garbage collection the blobs that disappeared (manifests aside) add up to freedBytes.
    await registryGarbageCollect(reg);
    const after = await storedBlobs(reg);
    const manifests = new Set(plan.deleteDigests.map((d) => d.digest));
    const gone = [...before].filter(([d]) => !after.has(d) && !manifests.has(d));
    expect(gone.reduce((n, [, s]) => n + s, 0)).toBe(plan.freedBytes);
    await c.close();
  });
});

describe('protection, indexes and races', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(async () => reg?.stop());

  it('a tag sharing its digest with a kept tag is protected and its digest not deleted', async () => {
    const repo = 'shared/app';
    const x = await pushImage(reg, repo, ['1.0', 'build-17'], { created: day(1) });
    const y = await pushImage(reg, repo, ['build-18'], { created: day(2) });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { nameMatches: 'build-*' }, { now: NOW });
    const r17 = plan.tags.find((r) => r.tag === 'build-17')!;
    expect(r17.decision).toBe('protected');
    expect(r17.reason).toMatch(/^shares sha256:[0-9a-f]{12}… with kept tag 1\.0$/);
    expect(plan.deleteDigests).toEqual([{ digest: y.digest, tags: ['build-18'] }]);
    expect(plan.protectedCount).toBe(1);
    await applyCleanup(c, plan, { dryRun: false });
    expect(sorted(await listAllTags(c, repo))).toEqual(['1.0', 'build-17']);
    expect((await fetchManifest(c, repo, 'build-17')).digest).toBe(x.digest);
    await c.close();
  });

  it('deletes only the index digest; a child of a kept index is protected', async () => {
    const repo = 'multi/app';
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];
    const kept = await pushIndex(reg, repo, ['latest'], platforms, { created: day(20), attestation: true });
    const old = await pushIndex(reg, repo, ['old'], platforms, { created: day(1) });
    // Tag a platform image of the kept index directly, under a name the rules would delete.
    const child = kept.images[0];
    await seedClient(reg).putManifest(repo, 'old-amd64', child.mediaType, child.manifestBytes);
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { nameMatches: 'old*' }, { now: NOW });
    expect(plan.tags.find((r) => r.tag === 'old-amd64')).toMatchObject({ decision: 'protected', reason: 'child of kept index latest' });
    expect(plan.tags.find((r) => r.tag === 'old')).toMatchObject({ decision: 'delete', digest: old.digest, created: day(1) });
    expect(plan.deleteDigests).toEqual([{ digest: old.digest, tags: ['old'] }]);
    expect(plan.untaggedChildren).toEqual(sorted(old.children.map((ch) => ch.digest)));
    const oldBlobs = new Map(old.images.flatMap((img) => [...blobsOf(img)]));
    expect(plan.freedBytes).toBe([...oldBlobs.values()].reduce((a, b) => a + b, 0));

    await applyCleanup(c, plan, { dryRun: false });
    expect(sorted(await listAllTags(c, repo))).toEqual(['latest', 'old-amd64']);
    // The children of the deleted index are still there (untagged) until GC --delete-untagged.
    expect((await fetchManifest(c, repo, old.children[0].digest)).digest).toBe(old.children[0].digest);
    await c.close();
  });

  it('a tag moved onto a planned digest is refused (dry run and apply) while the others go', async () => {
    const repo = 'race/app';
    const a = await pushImage(reg, repo, ['a'], { created: day(1) });
    const b = await pushImage(reg, repo, ['b'], { created: day(2) });
    await pushImage(reg, repo, ['c'], { created: day(3) });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { keepNewest: 1 }, { now: NOW });
    expect(sorted(plan.deleteDigests.map((d) => d.digest))).toEqual(sorted([a.digest, b.digest]));
    await seedClient(reg).putManifest(repo, 'hotfix', a.mediaType, a.manifestBytes);

    const dry = await applyCleanup(c, plan, { dryRun: true });
    const dryA = dry.deleted.find((d) => d.digest === a.digest)!;
    expect(dryA).toMatchObject({ ok: false, error: { code: 'TAGS_CHANGED' } });
    expect(sorted(dryA.tags)).toEqual(['a', 'hotfix']);
    expect(dry.deleted.find((d) => d.digest === b.digest)?.ok).toBe(true);
    expect(sorted(await listAllTags(c, repo))).toEqual(['a', 'b', 'c', 'hotfix']);

    const res = await applyCleanup(c, plan, { dryRun: false });
    expect(res.stopped).toBeNull();
    expect(res.deleted.find((d) => d.digest === a.digest)).toMatchObject({ ok: false, error: { code: 'TAGS_CHANGED' } });
    expect(res.deleted.find((d) => d.digest === b.digest)).toMatchObject({ ok: true, tags: ['b'] });
    expect(sorted(await listAllTags(c, repo))).toEqual(['a', 'c', 'hotfix']);
    await c.close();
  });

  it('apply reads the tags once, not once per digest (one list, one HEAD per tag, one DELETE per digest)', async () => {
    const repo = 'count/app';
    const tags = Array.from({ length: 12 }, (_, i) => `v${i + 1}`);
    for (const [i, t] of tags.entries()) await pushImage(reg, repo, [t], { created: day(i + 1), layerSizes: [64] });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { keepNewest: 2 }, { now: NOW });
    expect(plan.deleteDigests).toHaveLength(10);

    let before = c.requestCount;
    const dry = await applyCleanup(c, plan, { dryRun: true });
    expect(dry.deleted.every((d) => d.ok)).toBe(true);
    expect(c.requestCount - before).toBe(1 + 12);

    before = c.requestCount;
    const res = await applyCleanup(c, plan, { dryRun: false });
    expect(res.deleted.map((d) => d.ok)).toEqual(plan.deleteDigests.map(() => true));
    // The per-digest re-read this replaced sent 1 + 1 + 12 + 1 requests for each of the 10 digests.
    expect(c.requestCount - before).toBe(1 + 12 + 10);
    expect(sorted(await listAllTags(c, repo))).toEqual(['v11', 'v12']);
    await c.close();
  });

  it('an expired snapshot is read again before the next digest', async () => {
    const repo = 'stale/app';
    for (const [i, t] of ['s1', 's2', 's3'].entries()) await pushImage(reg, repo, [t], { created: day(i + 1), layerSizes: [64] });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { keepNewest: 1 }, { now: NOW });
    const before = c.requestCount;
    const res = await applyCleanup(c, plan, { dryRun: false, snapshotMaxAgeMs: -1 });
    expect(res.deleted.map((d) => d.ok)).toEqual([true, true]);
    // Snapshot per digest: 3 tags before the first delete, 2 before the second; one DELETE each.
    expect(c.requestCount - before).toBe(1 + 3 + 1 + (1 + 2 + 1));
    await c.close();
  });

  it('a cancelled apply deletes nothing and lists every digest as not attempted', async () => {
    const repo = 'cancel/app';
    for (const [i, t] of ['p', 'q', 'r'].entries()) await pushImage(reg, repo, [t], { created: day(i + 1) });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { keepNewest: 1 }, { now: NOW });
    const ac = new AbortController();
    ac.abort();
    const res = await applyCleanup(c, plan, { dryRun: false, signal: ac.signal });
    expect(res.stopped?.code).toBe('CANCELLED');
    expect(res.deleted).toEqual([]);
    expect(res.notAttempted).toEqual(plan.deleteDigests);
    expect(sorted(await listAllTags(c, repo))).toEqual(['p', 'q', 'r']);
    await expect(planCleanup(c, repo, { keepNewest: 1 }, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    await c.close();
  });

  it('an unknown repository plans nothing', async () => {
    const c = clientFor(reg);
    const plan = await planCleanup(c, 'no/such-repo', { keepNewest: 1 }, { now: NOW });
    expect([plan.tags, plan.deleteDigests, plan.freedBytes]).toEqual([[], [], 0]);
    await c.close();
  });
});

describe('registry with delete disabled', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ deleteEnabled: false, auth: 'token' });
  });
  afterAll(async () => reg?.stop());

  it('stops at the first 405 with UNSUPPORTED and deletes nothing', async () => {
    const repo = 'locked/app';
    for (const [i, t] of ['x', 'y', 'z'].entries()) await pushImage(reg, repo, [t], { created: day(i + 1) });
    const c = clientFor(reg);
    const plan = await planCleanup(c, repo, { keepNewest: 1 }, { now: NOW });
    expect(plan.deleteCount).toBe(2);
    const res = await applyCleanup(c, plan, { dryRun: false });
    expect(res.stopped?.code).toBe('UNSUPPORTED');
    expect(res.stopped?.message).toMatch(/storage\.delete\.enabled/);
    expect(res.deleted).toHaveLength(1);
    expect(res.deleted[0]).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(res.notAttempted).toEqual(plan.deleteDigests.slice(1));
    expect(sorted(await listAllTags(c, repo))).toEqual(['x', 'y', 'z']);
    await c.close();
  });
});
