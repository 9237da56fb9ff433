import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listAllRepositories, listAllTags, listRepositories, listTags } from './browse';
import type { RegistryClient } from './client';
import { clientFor } from '../../../test/support/engine/client';
import { seedClient } from '../../../test/support/images/seed-client';

const REPOS = ['alpha/one', 'alpha/two', 'beta', 'gamma/x', 'gamma/y', 'omega', 'zeta/last'];
const TAGS = ['1.0', '1.1', '2.0', 'latest', 'edge'];

for (const auth of ['none', 'token'] as const) {
  describe(`paging (${auth})`, () => {
    let reg: RunningRegistry;
    let c: RegistryClient;
    beforeAll(async () => {
      reg = await startRegistry({ auth });
      // One image per repository; same seed, so the blobs are shared.
      for (const r of REPOS) await pushImage(reg, r, r === 'beta' ? TAGS : ['v1'], { seed: 'shared', layers: 1 });
      c = clientFor(reg);
    });
    afterAll(async () => {
      await c.close();
      await reg.stop();
    });

    it('pages the catalog with n and the Link cursor', async () => {
      const p1 = await listRepositories(c, { n: 3 });
      expect(p1).toEqual({ repositories: REPOS.slice(0, 3), next: 'beta' });
      const p2 = await listRepositories(c, { n: 3, last: p1.next! });
      expect(p2).toEqual({ repositories: REPOS.slice(3, 6), next: 'omega' });
      const p3 = await listRepositories(c, { n: 3, last: p2.next! });
      expect(p3).toEqual({ repositories: REPOS.slice(6), next: null });
    });

    it('clamps n above 1000 and lists everything', async () => {
      expect((await listRepositories(c, { n: 50_000 })).repositories).toEqual(REPOS);
      expect(await listAllRepositories(c)).toEqual(REPOS);
    });

    it('pages tags two at a time, in lexical order', async () => {
      const sorted = [...TAGS].sort();
      const pages: string[][] = [];
      let last: string | undefined;
      for (let i = 0; i < 5; i++) {
        const p = await listTags(c, 'beta', { n: 2, last });
        pages.push(p.tags);
        if (!p.next) break;
        last = p.next;
      }
      expect(pages).toEqual([sorted.slice(0, 2), sorted.slice(2, 4), sorted.slice(4)]);
      expect((await listAllTags(c, 'beta')).sort()).toEqual(sorted);
    });

    it('reports NAME_UNKNOWN for a repository that does not exist', async () => {
      await expect(listTags(c, 'no/such')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    });
  });
}

describe('tags: null', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
  });
  afterAll(() => reg.stop());

  it('turns a repository whose tags were all deleted into an empty list', async () => {
    const img = await pushImage(reg, 'gone/app', ['a', 'b']);
    const seed = seedClient(reg);
    await seed.expect('gone/app', `/v2/gone/app/manifests/${img.digest}`, { method: 'DELETE' }, [202]);
    // What the registry itself answers now: the case under test.
    const raw = await seed.expect('gone/app', '/v2/gone/app/tags/list', {}, [200]);
    expect(JSON.parse(raw.text).tags).toBeNull();
    const c = clientFor(reg);
    try {
      expect(await listTags(c, 'gone/app')).toEqual({ tags: [], next: null });
      expect(await listAllTags(c, 'gone/app')).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
