/**
 * The background lane against a real registry behind a proxy: browsing is served while a large
 * background batch holds its slots, and 429/Retry-After or Hub's budget pause background work.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '../../../test/support/registry/start';
import { pushImage } from '../../../test/support/images/push';
import { listTags } from '../registry/browse';
import { headManifest } from '../registry/manifest';
import { clientFor } from '../../../test/support/engine/client';
import { startProxy } from '../../../test/support/proxy/proxy';
import { buildIndex, type BuildProgress } from './build';
import { BackgroundLane, retryAfterMs } from './lane';
import { tempIndexHome } from '../../../test/support/engine/index-home';

describe('background lane', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry();
    await pushImage(reg, 'team/app', ['v1']);
    await pushImage(reg, 'team/other', ['v1']);
  });
  afterAll(() => reg?.stop());

  it('a foreground request is served while a large background batch holds every background slot', async () => {
    const held: ServerResponse[] = [];
    let inFlight = 0;
    let peak = 0;
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    // Background requests (to bulk/…) are held at the proxy until the test lets them go.
    const proxy = await startProxy(reg.url, {
      answer: async (req, res) => {
        if (!req.url?.includes('/bulk/')) return false;
        peak = Math.max(peak, ++inFlight);
        held.push(res);
        await released;
        inFlight--;
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
        return true;
      },
    });
    const client = clientFor(reg, { baseUrl: proxy.url, host: new URL(proxy.url).host, maxConcurrency: 8 });
    try {
      const view = new BackgroundLane(client).view();
      const batch = Promise.all(Array.from({ length: 60 }, (_, i) => headManifest(view, 'bulk/app', `t${i}`)));
      while (held.length < 6) await new Promise((r) => setTimeout(r, 10));
      let servedWhileHeld = false;
      const browse = listTags(client, 'team/app').then((page) => {
        servedWhileHeld = held.length > 0 && inFlight > 0;
        return page;
      });
      // Let the batch go once the screen's request is answered — or after a while, for the test to fail rather than hang.
      await Promise.race([browse, new Promise((r) => setTimeout(r, 15_000))]);
      release();
      expect((await browse).tags).toEqual(['v1']);
      expect(servedWhileHeld).toBe(true);
      expect((await batch).every((h) => h === null)).toBe(true);
      // Background work never held more than max - 2 slots.
      expect(peak).toBe(6);
    } finally {
      release();
      await client.close();
      await proxy.stop();
    }
  });

  it('a build pauses on 429 Retry-After and on a low Hub budget, then finishes', async () => {
    let refusals = 2;
    let budget = 100;
    const proxy = await startProxy(reg.url, {
      fault: (r) => {
        if (r.kind !== 'GET tags' || refusals === 0) return null;
        refusals--;
        return { kind: 'respond', status: 429, headers: { 'retry-after': '1' } };
      },
    });
    // Hub's headers on every manifest answer, with the budget falling to the reserve.
    const hub = await startProxy(proxy.url, {
      onResponse: (r, headers) => {
        if (!r.url.includes('/manifests/')) return;
        budget--;
        headers['ratelimit-limit'] = '100;w=1';
        headers['ratelimit-remaining'] = `${budget === 97 ? 3 : 100};w=1`;
      },
    });
    const client = clientFor(reg, { baseUrl: hub.url, host: new URL(hub.url).host });
    const home = await tempIndexHome();
    try {
      const index = await home.open();
      const progress: BuildProgress[] = [];
      const result = await buildIndex(client, index, { lane: { reservePulls: 10 }, progressIntervalMs: 0, onProgress: (p) => progress.push(p) });
      expect(result.failed).toEqual([]);
      expect(index.repository('team/app')!.tags.map((t) => t.tag)).toEqual(['v1']);
      expect(refusals).toBe(0);
      const reasons = new Set(progress.map((p) => p.paused?.reason).filter(Boolean));
      expect(reasons).toEqual(new Set(['retry-after', 'rate-limit']));
      // Every request the lane sent reached the registry, the two refused ones included.
      expect(result.requests).toBe(proxy.seen.length);
      expect(proxy.seen.filter((s) => s.url.includes('/team/app/tags/list')).length + proxy.seen.filter((s) => s.url.includes('/team/other/tags/list')).length).toBe(4);
    } finally {
      await client.close();
      await hub.stop();
      await proxy.stop();
      await home.remove();
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Wed, 01 Jan 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
