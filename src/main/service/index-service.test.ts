/**
 * The index contract through dispatch (validation, events, errors as data) against a real
 * registry: build with progress, cancel and resume, tag digests refreshed in the background,
 * storage figures equal to the blob store, exact reclaim estimates with a refresh first, search,
 * and what the screens' reads and Berth's deletes teach the index for free.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { IndexRepositoryEvent, IndexSearchResult, IndexStatus, ReclaimEstimate, RegistryStorage, RepositoryStorageDetail, TagDigests } from '../../shared/index-types';
import type { DeletePlan, RegistryInfo } from '../../shared/types';
import { pushImage, type PushedImage } from '../../../test/support/images/push';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { storedBlobs, sumSizes } from '../../../test/support/registry/storage';
import { openEngines } from './create-service';
import { dispatch } from './dispatch';
import { BerthService } from './service';

const value = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
};

/** Resolves with the first `index:progress` of `id` whose state is no longer `building`. */
function settled(service: BerthService, id: string): Promise<IndexStatus> {
  return new Promise((resolve) => {
    const off = service.events.on('index:progress', (s) => {
      if (s.registryId === id && s.state !== 'building') {
        off();
        resolve(s);
      }
    });
  });
}

/** Resolves once `repository` of `id` was read into the index. */
function repositoryRead(service: BerthService, id: string, repository: string): Promise<IndexRepositoryEvent> {
  return new Promise((resolve) => {
    const off = service.events.on('index:repository', (e) => {
      if (e.registryId === id && e.repository === repository) {
        off();
        resolve(e);
      }
    });
  });
}

describe('the index through the service', () => {
  let reg: RunningRegistry;
  let dir: string;
  let service: BerthService;
  let id: string;
  const img: Record<string, PushedImage> = {};
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => value<T>(await dispatch(service, method, args));

  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'berth-index-service-'));
    const os = { seed: 'os', created: '2023-01-01T00:00:00Z' };
    img.base = await pushImage(reg, 'base/os', ['12'], { ...os, layerSizes: [3000, 2000] });
    img.web = await pushImage(reg, 'app/web', ['v1', 'stable'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
    img.mirror = await pushImage(reg, 'mirror/web', ['v1'], { ...os, layerSizes: [3000, 2000, 4000], labels: { team: 'web' } });
    img.api = await pushImage(reg, 'app/api', ['1'], { ...os, layerSizes: [3000, 2000, 4200], created: '2024-03-01T00:00:00Z' });
    service = new BerthService({ engines: await openEngines({ dataDir: join(dir, 'data'), cacheDir: join(dir, 'cache') }, () => undefined) });
    id = (await call<RegistryInfo>('addRegistry', { url: reg.host })).id;
  });
  afterAll(async () => {
    await service?.close();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validates every argument at the boundary', async () => {
    const bad: [string, unknown[]][] = [
      ['startIndex', [id, { restart: 'yes' }]],
      ['startIndex', [id, { fast: true }]],
      ['getTagDigests', [id, 'Not/Valid']],
      ['estimateReclaim', [id, []]],
      ['estimateReclaim', [id, [{ repository: 'app/web' }]]],
      ['estimateReclaim', [id, [{ repository: 'app/web', digest: 'sha256:nothex' }]]],
      ['estimateReclaim', [id, [{ repository: 'app/web', tag: 'v1', digest: img.web.digest }]]],
      ['searchIndex', [id, 'x'.repeat(1001)]],
      ['searchIndex', [id, 'web', { limit: 0 }]],
      ['getStorage', ['../etc']],
    ];
    for (const [method, args] of bad) {
      const r = await dispatch(service, method, args);
      expect(r, `${method} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    const query = await dispatch(service, 'searchIndex', [id, 'colour:red']);
    expect(query).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    if (!query.ok) expect(query.error.message).toMatch(/Unknown search key "colour:"/);
  });

  it('learns from what the screens read, before any build', async () => {
    expect(await call<IndexStatus>('getIndexStatus', id)).toMatchObject({ state: 'none', repositories: 0, builtAt: null, scope: 'catalog' });
    await call('getManifest', id, 'app/api', '1');
    // The observation is written in the background: the next call sees it.
    await expect.poll(async () => (await call<TagDigests>('getTagDigests', id, 'app/api')).digests).toEqual({ 1: img.api.digest });
  });

  it('builds with progress events, and its figures are the blob store', async () => {
    const events: IndexStatus[] = [];
    const off = service.events.on('index:progress', (s) => events.push(s));
    const done = settled(service, id);
    const started = await call<IndexStatus>('startIndex', id);
    expect(started.state).toBe('building');
    const end = await done;
    off();
    expect(end).toMatchObject({ state: 'ready', repositories: 4, tags: 5, error: null, failures: [] });
    expect(end.progress).toMatchObject({ phase: 'done', repositoriesDone: 4, repositoriesTotal: 4 });
    expect(end.builtAt).not.toBeNull();
    expect(Date.parse(end.asOf!)).toBeLessThanOrEqual(Date.parse(end.builtAt!));
    expect(events.some((e) => e.state === 'building')).toBe(true);

    const storage = await call<RegistryStorage>('getStorage', id);
    expect(storage.coverage).toBe('full');
    expect(storage.unknownSizes).toBe(0);
    expect(storage.totalStoredBytes).toBe(sumSizes(await storedBlobs(reg)));
    expect(storage.naiveTagBytes).toBeGreaterThan(storage.totalStoredBytes);
    const byName = new Map(storage.repositories.map((r) => [r.repository, r]));
    // app/web and mirror/web hold the same image: nothing of it is theirs alone.
    expect(byName.get('app/web')).toMatchObject({ tags: 2, ownBytes: 0 });
    expect(byName.get('app/api')!.ownBytes).toBeGreaterThan(4200);
    expect(byName.get('app/api')!.lastPush).toBe('2024-03-01T00:00:00.000Z');
  });

  it('gives per-tag reclaim, exact estimates and search from the index', async () => {
    const detail = await call<RepositoryStorageDetail>('getRepositoryStorage', id, 'app/api');
    expect(detail.tags).toEqual([expect.objectContaining({ tag: '1', digest: img.api.digest, kind: 'image', withTags: [] })]);
    // Its own layer, config and manifest go; the two base layers stay (base/os and app/web use them).
    const [b0, b1] = img.api.layers;
    expect(detail.tags[0].freedBytes).toBe(img.api.size - b0.size - b1.size + img.api.manifestBytes.length);

    const both = await call<ReclaimEstimate>('estimateReclaim', id, [{ repository: 'app/web', tag: 'v1' }, { repository: 'mirror/web', tag: 'v1' }]);
    expect(both.manifests).toEqual([
      { repository: 'app/web', digest: img.web.digest, tags: ['stable', 'v1'] },
      { repository: 'mirror/web', digest: img.web.digest, tags: ['v1'] },
    ]);
    // Only once both repositories lose the image does its own layer go.
    expect(both.freedBytes).toBeGreaterThan(img.web.layers[2].size);
    const one = await call<ReclaimEstimate>('estimateReclaim', id, [{ repository: 'app/web', tag: 'v1' }]);
    expect(one.freedBytes).toBe(0);
    expect(one).toMatchObject({ coverage: 'full', staleRepositories: [], notFound: [] });

    const found = await call<IndexSearchResult>('searchIndex', id, 'label:team=web');
    expect(found.hits.map((h) => `${h.repository}:${h.tag}`)).toEqual(['app/web:stable', 'app/web:v1', 'mirror/web:v1']);
    expect(found).toMatchObject({ total: 3, truncated: false, state: 'ready' });
    const built = await call<IndexSearchResult>('searchIndex', id, 'base:base/os:12', { limit: 1 });
    expect(built).toMatchObject({ total: 4, truncated: true }); // app/web ×2, mirror/web, app/api
  });

  it('refreshes an old repository before an exact estimate, and shows a moved tag’s image as untagged', async () => {
    // Another client moves tag 1 and adds tag 2; the tag list the screens read shows a tag the index does not know.
    const moved = await pushImage(reg, 'app/api', ['1', '2'], { seed: 'os', created: '2024-04-01T00:00:00Z', layerSizes: [3000, 2000, 4300] });
    await call('listTags', id, 'app/api');
    await expect.poll(async () => (await call<ReclaimEstimate>('estimateReclaim', id, [{ repository: 'app/api', tag: '1' }])).staleRepositories).toEqual(['app/api']);
    const fresh = await call<ReclaimEstimate>('estimateReclaim', id, [{ repository: 'app/api', tag: '1' }], { refresh: true });
    expect(fresh.refreshed).toEqual(['app/api']);
    expect(fresh.manifests).toEqual([{ repository: 'app/api', digest: moved.digest, tags: ['1', '2'] }]);
    const detail = await call<RepositoryStorageDetail>('getRepositoryStorage', id, 'app/api');
    expect(detail.untagged.map((u) => u.digest)).toEqual([img.api.digest]);
    expect(detail.untagged[0].freedBytes).toBeGreaterThan(img.api.layers[2].size);
    expect((await call<IndexSearchResult>('searchIndex', id, 'is:untagged')).hits).toEqual([expect.objectContaining({ repository: 'app/api', tag: null, digest: img.api.digest })]);
  });

  it('forgets what Berth deletes, at once', async () => {
    const before = await call<RegistryStorage>('getStorage', id);
    const plan = await call<DeletePlan>('planDelete', id, 'app/api', img.api.digest);
    await call('deleteManifest', id, 'app/api', plan.digest, plan.tags);
    const after = await call<RegistryStorage>('getStorage', id);
    expect(after.repositories.find((r) => r.repository === 'app/api')!.untagged).toBe(0);
    expect(after.totalStoredBytes).toBeLessThan(before.totalStoredBytes);
    expect((await call<ReclaimEstimate>('estimateReclaim', id, [{ repository: 'app/api', digest: img.api.digest }])).notFound).toHaveLength(1);
  });

  it('reads a repository it does not know in the background when asked for its tag digests', async () => {
    const fresh = await pushImage(reg, 'new/repo', ['a', 'b'], { seed: 'new-repo', layerSizes: [100] });
    // A whole tag list seen by the screens gives the total.
    await call('listTags', id, 'new/repo', { n: 1 });
    await call('listTags', id, 'new/repo', { n: 1, last: 'a' });
    const read = repositoryRead(service, id, 'new/repo');
    const first = await call<TagDigests>('getTagDigests', id, 'new/repo');
    expect(first).toMatchObject({ known: 0, total: 2, refreshing: true, refreshedAt: null });
    await read;
    const second = await call<TagDigests>('getTagDigests', id, 'new/repo');
    expect(second).toMatchObject({ known: 2, total: 2, refreshing: false, digests: { a: fresh.digest, b: fresh.digest } });
  });
});

describe('building an index: cancel, resume, registries without a catalog', () => {
  let reg: RunningRegistry;
  let slow: TestProxy;
  let dir: string;
  let service: BerthService;
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => value<T>(await dispatch(service, method, args));

  beforeAll(async () => {
    reg = await startRegistry();
    for (let i = 0; i < 12; i++) await pushImage(reg, `many/r${i}`, ['1', '2'], { seed: `many-${i}`, layerSizes: [64] });
    dir = await mkdtemp(join(tmpdir(), 'berth-index-build-'));
    service = new BerthService({ engines: await openEngines({ dataDir: join(dir, 'data'), cacheDir: join(dir, 'cache') }, () => undefined) });
    // Slow enough that a cancel lands mid-build; the catalog here answers like Docker Hub's (no catalog) on request.
    slow = await startProxy(reg.url, { delayMs: 40 });
  });
  afterAll(async () => {
    await service?.close();
    await slow?.stop();
    await reg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cancels mid-build and resumes where it stopped', async () => {
    const id = (await call<RegistryInfo>('addRegistry', { url: slow.url, insecure: true })).id;
    const partway = new Promise<void>((resolve) => {
      const off = service.events.on('index:progress', (s) => {
        if (s.registryId === id && (s.progress?.repositoriesDone ?? 0) >= 2) {
          off();
          resolve();
        }
      });
    });
    await call('startIndex', id);
    await partway;
    const stopped = await call<IndexStatus>('cancelIndex', id);
    expect(stopped.state).toBe('interrupted');
    expect(stopped.error).toBeNull();
    const doneBefore = stopped.repositories;
    expect(doneBefore).toBeGreaterThanOrEqual(2);
    expect(doneBefore).toBeLessThan(12);

    slow.reset();
    const done = settled(service, id);
    await call('startIndex', id);
    const end = await done;
    expect(end).toMatchObject({ state: 'ready', repositories: 12, tags: 24 });
    // The resumed run listed no catalog and read only the repositories not read before.
    expect(slow.requests['GET catalog'] ?? 0).toBe(0);
    expect(slow.requests['GET tags']).toBe(12 - doneBefore);
  });

  it('indexes the pinned repositories of a registry without a catalog', async () => {
    const hubLike = await startProxy(reg.url, {
      answer: (req, res) => {
        if (!req.url?.startsWith('/v2/_catalog')) return false;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNSUPPORTED', message: 'no catalog here' }] }));
        return true;
      },
    });
    try {
      const id = (await call<RegistryInfo>('addRegistry', { url: hubLike.url, insecure: true })).id;
      let done = settled(service, id);
      await call('startIndex', id);
      const refused = await done;
      expect(refused.state).toBe('none');
      expect(refused.error).toMatchObject({ code: 'CATALOG_UNAVAILABLE' });
      expect(refused.error!.message).toMatch(/Pin the repositories/);

      await call('pinRepository', id, 'many/r3');
      await call('pinRepository', id, 'many/r7');
      done = settled(service, id);
      await call('startIndex', id);
      expect(await done).toMatchObject({ state: 'ready', scope: 'pinned', repositories: 2, tags: 4 });
      expect((await call<RegistryStorage>('getStorage', id)).coverage).toBe('pinned');
    } finally {
      await hubLike.stop();
    }
  });
});
