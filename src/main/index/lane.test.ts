import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RateLimit } from '../../shared/connection-types';
import type { RegistryClient } from '../registry/client';
import type { RegistryRequest, RegistryResponse } from '../registry/types';
import { BackgroundLane } from './lane';

/** A stand-in client answering a fixed series of statuses (a registry cannot be made to refuse forever). */
function fakeClient(statuses: number[], rateLimit: RateLimit | null = null) {
  const sent: RegistryRequest[] = [];
  const client = {
    config: { host: 'registry.test', baseUrl: 'http://registry.test' },
    rateLimit,
    async request(req: RegistryRequest): Promise<RegistryResponse> {
      sent.push(req);
      const status = statuses.shift() ?? 200;
      const body = Object.assign(Readable.from([]), { text: async () => '', json: async () => ({}), arrayBuffer: async () => new ArrayBuffer(0), dump: async () => undefined });
      return { status, headers: {}, url: new URL('http://registry.test/v2/'), body };
    },
  };
  return { client: client as unknown as RegistryClient, sent };
}

describe('BackgroundLane', () => {
  it('sends every request in the background lane and retries 429/503 after backing off', async () => {
    const { client, sent } = fakeClient([429, 503, 200]);
    const lane = new BackgroundLane(client, { backoffMs: 1 });
    const res = await lane.view().request({ method: 'HEAD', url: '/v2/x/manifests/1', scope: null, expect: [200, 404] });
    expect(res.status).toBe(200);
    expect(sent.map((r) => [r.priority, r.expect])).toEqual(Array(3).fill(['background', [200, 404, 429, 503]]));
    expect(lane.requests).toBe(3);
  });

  it('gives up after its retries with an error that stops a build (429 and 503 named as such)', async () => {
    const tooMany = new BackgroundLane(fakeClient(Array(10).fill(429)).client, { backoffMs: 1, maxRetries: 2 });
    await expect(tooMany.request({ method: 'GET', url: '/v2/', scope: null })).rejects.toMatchObject({ code: 'TOOMANYREQUESTS', detail: { retriesExhausted: true } });
    const busy = new BackgroundLane(fakeClient(Array(10).fill(503)).client, { backoffMs: 1, maxRetries: 1 });
    await expect(busy.request({ method: 'GET', url: '/v2/', scope: null })).rejects.toMatchObject({ code: 'SERVER_ERROR', message: /503/ });
  });

  it('leaves 429 to callers that expect it, and streamed bodies unretried', async () => {
    const { client, sent } = fakeClient([429]);
    const res = await new BackgroundLane(client).request({ method: 'GET', url: '/v2/', scope: null, expect: [200, 429] });
    expect([res.status, sent[0].expect]).toEqual([429, [200, 429]]);
  });

  it('holds background work while Hub pulls are at the reserve, and never shortens a longer pause', async () => {
    let now = 1_000_000;
    const limit: RateLimit = { limit: 100, remaining: 4, windowSeconds: 60, seenAt: now };
    const lane = new BackgroundLane(fakeClient([], limit).client, { reservePulls: 10, now: () => now });
    const ac = new AbortController();
    const waiting = lane.ready(ac.signal);
    expect(lane.pause).toEqual({ until: now + 60_000, reason: 'rate-limit' });
    lane.hold(1000, 'retry-after');
    expect(lane.pause?.until).toBe(now + 60_000);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    now += 61_000;
    expect(lane.pause).toBeNull();
    await lane.ready();
  });
});
