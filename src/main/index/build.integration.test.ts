/**
 * Whole-registry builds against a real registry behind a counting proxy: resume after an
 * interruption without re-reading finished repositories, a second build from cached content
 * (HEADs only), and a tag moved by another client showing its old digest as untagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage, pushIndex, type PushedImage } from '../../../test/support/images/push';
import { listTags } from '../registry/browse';
import type { RegistryClient } from '../registry/client';
import { getManifestSummary } from '../registry/summary';
import { clientFor } from '../../../test/support/engine/client';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { buildIndex, type BuildProgress } from './build';
import { observeSummary, observeTagDigest, observeTagList } from './observe';
import { refreshRepository } from './refresh';
import { searchIndex } from './search';
import { tempIndexHome } from '../../../test/support/engine/index-home';
import { seedClient } from '../../../test/support/images/seed-client';

const REPOS = Array.from({ length: 12 }, (_, i) => `team${i % 3}/svc-${String(i).padStart(2, '0')}`);
/** The repository a request path names (`/v2/<name>/tags/list` …), or the catalog. */
const repoOf = (url: string): string => /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(url)?.[1] ?? (url.startsWith('/v2/_catalog') ? '_catalog' : url);

describe('index builds', () => {
  let reg: RunningRegistry;
  let proxy: TestProxy;
  let client: RegistryClient;
  let home: Awaited<ReturnType<typeof tempIndexHome>>;
  const images = new Map<string, PushedImage>();

  beforeAll(async () => {
    reg = await startRegistry();
    for (const [i, repo] of REPOS.entries()) {
      images.set(`${repo}:1`, await pushImage(reg, repo, ['1', 'stable'], { seed: `s${i}`, layerSizes: [300], created: `2024-0${1 + (i % 9)}-01T00:00:00Z` }));
      images.set(`${repo}:2`, await pushImage(reg, repo, ['2'], { seed: `t${i}`, layerSizes: [300] }));
    }
    await pushIndex(reg, REPOS[0], ['multi'], [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }], { seed: 'm' });
    proxy = await startProxy(reg.url);
    client = clientFor(reg, { baseUrl: proxy.url, host: new URL(proxy.url).host });
    home = await tempIndexHome();
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.stop();
    await reg?.stop();
    await home?.remove();
  });

  it('an interrupted build resumes after a restart without reading finished repositories again', async () => {
    const first = await home.open('resumed');
    const stop = new AbortController();
    const seen: BuildProgress[] = [];
    const interrupted = buildIndex(client, first, {
      signal: stop.signal,
      concurrency: 1,
      progressIntervalMs: 0,
      onProgress: (p) => {
        seen.push(p);
        if (p.repositoriesDone >= 5) stop.abort();
      },
    });
    await expect(interrupted).rejects.toMatchObject({ code: 'CANCELLED' });
    const finished = REPOS.filter((r) => first.model.repo(r)?.gen === first.model.build.gen);
    expect(finished.length).toBeGreaterThanOrEqual(5);
    expect(finished.length).toBeLessThan(REPOS.length);
    expect(seen.some((p) => p.etaSeconds !== null && p.requests > 0 && p.repositoriesTotal === REPOS.length)).toBe(true);

    // A new process: the index is read back from its file and the build resumes.
    proxy.seen.length = 0;
    const again = await home.open('resumed');
    expect(again.model.build.running).toBe(true);
    const progress: BuildProgress[] = [];
    const result = await buildIndex(client, again, { onProgress: (p) => progress.push(p) });
    expect(result.resumed).toBe(finished.length);
    const asked = new Set(proxy.seen.map((s) => repoOf(s.url)));
    for (const r of finished) expect(asked.has(r)).toBe(false);
    for (const r of REPOS.filter((x) => !finished.includes(x))) expect(asked.has(r)).toBe(true);
    // The catalog of this generation was kept in the index file.
    expect(asked.has('_catalog')).toBe(false);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', repositoriesDone: REPOS.length, repositoriesTotal: REPOS.length, failed: 0 });
    expect(again.model.build.running).toBe(false);

    // The result is the same as a build that never stopped.
    const straight = await home.open('straight');
    await buildIndex(client, straight);
    for (const r of REPOS) expect(again.repository(r)).toEqual({ ...straight.repository(r)!, refreshedAt: again.repository(r)!.refreshedAt });
    expect(again.repository(REPOS[0])!.tags.map((t) => t.tag)).toEqual(['1', '2', 'multi', 'stable']);
    const img = images.get(`${REPOS[3]}:1`)!;
    expect(again.manifest(img.digest)).toMatchObject({ kind: 'image', created: '2024-04-01T00:00:00.000Z', size: img.size, manifestSize: img.manifestBytes.length });
  });

  it('a second build with every digest cached sends HEADs only, not a single GET of a manifest or blob', async () => {
    const idx = await home.open('cached');
    await buildIndex(client, idx);
    const check = async (label: string, run: () => Promise<unknown>): Promise<void> => {
      proxy.seen.length = 0;
      await run();
      const gets = proxy.seen.filter((s) => s.method === 'GET' && /\/(manifests|blobs)\//.test(s.url));
      expect(gets, label).toEqual([]);
      expect(proxy.seen.filter((s) => s.method === 'HEAD').length, label).toBe(REPOS.length * 3 + 1);
    };
    // The same index, a new generation.
    await check('same index', () => buildIndex(client, idx, { restart: true }));
    // A brand-new index of this registry sharing the content store: the bytes come from the store.
    await check('new index, same content store', async () => buildIndex(client, await home.open('fresh')));
  });

  it('a tag moved by another client leaves its old digest as an untagged manifest until the registry drops it', async () => {
    const idx = await home.open('moved');
    await buildIndex(client, idx);
    const repo = REPOS[1];
    const old = images.get(`${repo}:2`)!;
    const moved = await pushImage(reg, repo, ['2'], { seed: 'moved', layerSizes: [200] });
    // Seen by the tags screen: untagged at once.
    observeTagDigest(idx, repo, '2', moved.digest);
    expect(idx.repository(repo)!.untagged).toEqual([old.digest]);
    // Confirmed by a refresh (HEAD by digest: still stored).
    const refreshed = await refreshRepository(client, idx, repo);
    expect(refreshed).toMatchObject({ untagged: 1, dropped: 0 });
    expect(idx.repository(repo)).toMatchObject({ tags: expect.arrayContaining([{ tag: '2', digest: moved.digest }]), untagged: [old.digest] });
    expect(searchIndex(idx, `is:untagged ${repo}`).hits).toEqual([expect.objectContaining({ repository: repo, tag: null, digest: old.digest })]);
    // Another client deletes it: the next refresh drops it.
    await seedClient(reg).expect(repo, `/v2/${repo}/manifests/${old.digest}`, { method: 'DELETE' }, [202]);
    expect(await refreshRepository(client, idx, repo)).toMatchObject({ untagged: 0, dropped: 1 });
    expect(idx.repository(repo)!.untagged).toEqual([]);
  });

  it('what the screens read fills the index for free: a later refresh fetches nothing it already saw', async () => {
    // A content store of its own: the builds above cached every digest in the shared one.
    const own = await tempIndexHome();
    const idx = await own.open();
    const repo = REPOS[4];
    // The tags screen: the whole tag list, and the image view of tag 1 (summary with raw manifest and config).
    const { tags } = await listTags(client, repo);
    observeTagList(idx, repo, tags, { complete: true });
    expect(idx.repository(repo)).toMatchObject({ stale: true, tags: [] });
    const summary = await getManifestSummary(client, repo, '1');
    await observeSummary(idx, repo, summary);
    const img = images.get(`${repo}:1`)!;
    expect(idx.repository(repo)!.tags).toEqual([{ tag: '1', digest: img.digest }]);
    expect(idx.manifest(img.digest)).toMatchObject({ kind: 'image', created: '2024-05-01T00:00:00.000Z', size: img.size });
    proxy.seen.length = 0;
    await refreshRepository(client, idx, repo);
    // Tag 1 and stable share the observed digest: only tag 2's manifest and config are fetched.
    const gets = proxy.seen.filter((s) => s.method === 'GET' && /\/(manifests|blobs)\//.test(s.url)).map((s) => s.url);
    expect(gets.sort()).toEqual([`/v2/${repo}/blobs/${images.get(`${repo}:2`)!.configDigest}`, `/v2/${repo}/manifests/${images.get(`${repo}:2`)!.digest}`]);
    expect(idx.repository(repo)).toMatchObject({ stale: false, tags: [{ tag: '1', digest: img.digest }, { tag: '2', digest: images.get(`${repo}:2`)!.digest }, { tag: 'stable', digest: img.digest }] });
    await own.remove();
  });
});
