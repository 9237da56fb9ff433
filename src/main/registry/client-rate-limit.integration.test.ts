import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listTags } from './browse';
import { fetchManifest, headManifest } from './manifest';
import { RegistryClient } from './client';
import { startProxy, type TestProxy } from '../../../test/support/proxy/proxy';
import { BerthService } from '../service/service';

describe("RegistryClient.rateLimit (Docker Hub's ratelimit-* headers, added by a proxy in front of a real registry)", () => {
  let reg: RunningRegistry;
  let proxy: TestProxy;
  let remaining = 100;
  let garble = false;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushImage(reg, 'team/app', ['v1']);
    // Like Hub: manifest answers carry the budget, and only a GET of a manifest spends it.
    proxy = await startProxy(reg.url, {
      onResponse: (r, headers) => {
        if (!/\/manifests\//.test(r.url)) return;
        if (r.method === 'GET') remaining--;
        headers['ratelimit-limit'] = garble ? 'lots' : '100;w=21600';
        headers['ratelimit-remaining'] = garble ? 'some' : `${remaining};w=21600`;
        headers['docker-ratelimit-source'] = '127.0.0.1';
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await reg.stop();
  });

  it('is null until an answer carries the headers, then follows the latest one', async () => {
    const c = new RegistryClient({ baseUrl: proxy.url, host: new URL(proxy.url).host });
    try {
      await listTags(c, 'team/app');
      expect(c.rateLimit).toBeNull();
      const t0 = Date.now();
      await fetchManifest(c, 'team/app', 'v1');
      expect(c.rateLimit).toMatchObject({ limit: 100, remaining: 99, windowSeconds: 21600 });
      expect(c.rateLimit!.seenAt).toBeGreaterThanOrEqual(t0);
      await fetchManifest(c, 'team/app', 'v1');
      await headManifest(c, 'team/app', 'v1');
      expect(c.rateLimit).toMatchObject({ limit: 100, remaining: 98 });
      // A garbled answer does not erase what was last known.
      garble = true;
      await headManifest(c, 'team/app', 'v1');
      expect(c.rateLimit).toMatchObject({ remaining: 98 });
      garble = false;
      // Error answers count too (a 404 here; Hub also sends the budget with its 429s).
      expect((await c.probe('GET', '/v2/team/app/manifests/nope')).status).toBe(404);
      expect(c.rateLimit).toMatchObject({ remaining: 97 });
    } finally {
      await c.close();
    }
  });

  it('is per client: a registry without the headers reports null', async () => {
    const direct = new RegistryClient({ baseUrl: reg.url, host: reg.host });
    try {
      await fetchManifest(direct, 'team/app', 'v1');
      expect(direct.rateLimit).toBeNull();
    } finally {
      await direct.close();
    }
  });

  it("reaches the registry's status line: the check reports the budget the last manifest answer carried", async () => {
    const service = new BerthService();
    try {
      garble = false;
      const { id } = await service.addRegistry({ url: proxy.url });
      await service.getTagDetail(id, 'team/app', 'v1');
      const spent = remaining;
      // The doctor's own probes are HEAD/DELETE on a manifest: they carry the budget without spending it.
      expect((await service.checkRegistry(id)).rateLimit).toMatchObject({ remaining: spent, limit: 100, windowSeconds: 21600 });
    } finally {
      await service.close();
    }
  });
});
